package entra

import (
	"errors"
	"strings"
)

// groupAttributes are the group attribute mappings Docker's group-mapping
// page asks to confirm (security/provisioning/scim/group-mapping.md, the
// Entra ID tab of the SCIM section): source attribute → SCIM attribute.
var groupAttributes = []struct{ source, target string }{
	{"displayName", "displayName"},
	{"objectId", "externalId"},
	{"members", "members"},
}

// SchemaChange says what EnableGroupProvisioning changed.
type SchemaChange struct {
	// Enabled is true when the Group mapping was off and is now on.
	Enabled bool
	// Added lists the attribute mappings that were missing, as "source → target".
	Added []string
}

// Changed reports whether the schema must be saved.
func (c SchemaChange) Changed() bool { return c.Enabled || len(c.Added) > 0 }

// EnableGroupProvisioning turns on the schema's Group object mapping (the
// portal's "Provision Microsoft Entra ID Groups") and adds any of
// displayName → displayName, objectId → externalId and members → members
// that is missing. It changes schema in place and keeps every other field.
func EnableGroupProvisioning(schema map[string]any) (SchemaChange, error) {
	var change SchemaChange
	found := false
	for _, m := range objectMappings(schema) {
		if !strings.EqualFold(str(m["sourceObjectName"]), "Group") {
			continue
		}
		found = true
		if on, _ := m["enabled"].(bool); !on {
			m["enabled"] = true
			change.Enabled = true
		}
		attrs, _ := m["attributeMappings"].([]any)
		for _, want := range groupAttributes {
			if hasMapping(attrs, want.source, want.target) {
				continue
			}
			attrs = removeTarget(attrs, want.target)
			attrs = append(attrs, map[string]any{
				"defaultValue": nil, "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged",
				"flowType": "Always", "matchingPriority": 0, "targetAttributeName": want.target,
				"source": map[string]any{"expression": "[" + want.source + "]", "name": want.source, "parameters": []any{}, "type": "Attribute"},
			})
			change.Added = append(change.Added, want.source+" → "+want.target)
		}
		m["attributeMappings"] = attrs
	}
	if !found {
		return change, errors.New("the job's schema has no Group mapping: this app's template cannot provision groups; check that the app was created as a non-gallery app")
	}
	return change, nil
}

// UserRuleID returns the id of the synchronization rule that provisions
// users: provisionOnDemand needs it.
func UserRuleID(schema map[string]any) (string, error) {
	rules, _ := schema["synchronizationRules"].([]any)
	for _, r := range rules {
		rule, _ := r.(map[string]any)
		for _, m := range mappingsOf(rule) {
			if strings.EqualFold(str(m["sourceObjectName"]), "User") && str(rule["id"]) != "" {
				return str(rule["id"]), nil
			}
		}
	}
	return "", errors.New("the job's schema has no rule that provisions users")
}

func objectMappings(schema map[string]any) []map[string]any {
	var out []map[string]any
	rules, _ := schema["synchronizationRules"].([]any)
	for _, r := range rules {
		rule, _ := r.(map[string]any)
		out = append(out, mappingsOf(rule)...)
	}
	return out
}

func mappingsOf(rule map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := rule["objectMappings"].([]any)
	for _, m := range list {
		if mm, ok := m.(map[string]any); ok {
			out = append(out, mm)
		}
	}
	return out
}

func hasMapping(attrs []any, source, target string) bool {
	for _, a := range attrs {
		am, _ := a.(map[string]any)
		src, _ := am["source"].(map[string]any)
		if str(am["targetAttributeName"]) == target && (str(src["name"]) == source || str(src["expression"]) == "["+source+"]") {
			return true
		}
	}
	return false
}

func removeTarget(attrs []any, target string) []any {
	out := attrs[:0]
	for _, a := range attrs {
		if am, _ := a.(map[string]any); str(am["targetAttributeName"]) != target {
			out = append(out, a)
		}
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
