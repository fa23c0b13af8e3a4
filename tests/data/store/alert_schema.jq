# The alert schema of DESIGN.md ("Alert", version 1) as a jq predicate:
# true for a valid alert, false otherwise.  Used by the store's
# integration tests with jq -e.
def iso: type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$");
def figure:
  type == "object"
  and (.value | type) == "number"
  and (.qualifier | IN("exact", "approx", "at_least", "at_most", "range", "vague"))
  and has("max") and (.max == null or (.max | type) == "number")
  and (.published == null or (.published | iso))
  and has("url") and has("title");
type == "object"
and .v == 1
and (.type | IN("new", "changed", "corroborated"))
and (.key | type) == "string"
and .key == ((.entity // "-") + "/" + .event + "/" + .unit)
and (if .type == "new" then .previous == null else (.previous | figure) end)
and (.current | figure)
and (.current.text | type) == "string" and (.current.text | length) > 0
and (.current.lang | type) == "string"
and (.feed | type) == "string"
and (.detected_at | iso)
