# The alert schema (version 2: v1's members, a story and the sources
# count; tests/data/alert/alert-v2.schema.json) as a jq predicate: true
# for a valid alert, false otherwise.  Used by the store's integration
# tests with jq -e.  The key is the story's scope, the event and the unit
# group (human counts fold into "people").
def iso: type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$");
def figure:
  type == "object"
  and (.value | type) == "number"
  and (.qualifier | IN("exact", "approx", "at_least", "at_most", "range", "vague"))
  and has("max") and (.max == null or (.max | type) == "number")
  and (.published == null or (.published | iso))
  and has("url") and has("title");
def fold: if IN("troops", "personnel", "soldiers", "persons", "people")
  then "people" else . end;
type == "object"
and .v == 2
and (.type | IN("new", "changed", "corroborated"))
and (.key | type) == "string"
and (.story | type) == "object" and (.story.id | type) == "string"
and (.story.label | type) == "string" and (.story.label | length) > 0
and (.sources | type) == "number" and .sources >= 1
and .key == (.story.id + "/" + .event + "/" + (.unit | fold))
and (if .type == "new" then .previous == null else (.previous | figure) end)
and (.current | figure)
and (.current.text | type) == "string" and (.current.text | length) > 0
and (.current.lang | type) == "string"
and (.feed | type) == "string"
and (.detected_at | iso)
