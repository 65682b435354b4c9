"""HTML for people: `status` (the banner and the home page's summary with its advice), `live`
(the wrapper an open page refreshes itself by), `history` (the history page). Each turns records
into plain values for a template in templates/; none imports another, nor the outputs."""
