package entra

import (
	"encoding/json"
	"testing"
)

func TestEnableGroupProvisioningTurnsOnAndCompletesTheMapping(t *testing.T) {
	var schema map[string]any
	raw := `{"id":"scim","synchronizationRules":[{"id":"r1","extra":"kept","objectMappings":[
	 {"sourceObjectName":"User","enabled":true,"attributeMappings":[]},
	 {"sourceObjectName":"Group","enabled":false,"attributeMappings":[
	   {"targetAttributeName":"displayName","source":{"name":"displayName","expression":"[displayName]"}},
	   {"targetAttributeName":"externalId","source":{"name":"mailNickname","expression":"[mailNickname]"}}]}]}]}`
	if err := json.Unmarshal([]byte(raw), &schema); err != nil {
		t.Fatal(err)
	}
	change, err := EnableGroupProvisioning(schema)
	if err != nil {
		t.Fatal(err)
	}
	if !change.Enabled || len(change.Added) != 2 {
		t.Fatalf("change = %+v, want enabled plus objectId → externalId and members → members", change)
	}
	rule := schema["synchronizationRules"].([]any)[0].(map[string]any)
	if rule["extra"] != "kept" {
		t.Error("an unknown field was dropped")
	}
	group := rule["objectMappings"].([]any)[1].(map[string]any)
	attrs := group["attributeMappings"].([]any)
	if !hasMapping(attrs, "objectId", "externalId") || hasMapping(attrs, "mailNickname", "externalId") || len(attrs) != 3 {
		t.Errorf("attribute mappings %v, want externalId from objectId only", attrs)
	}
	again, _ := EnableGroupProvisioning(schema)
	if again.Changed() {
		t.Errorf("a second pass changed %+v", again)
	}
	if id, err := UserRuleID(schema); err != nil || id != "r1" {
		t.Errorf("UserRuleID = %q, %v", id, err)
	}
}

func TestEnableGroupProvisioningNeedsAGroupMapping(t *testing.T) {
	schema := map[string]any{"synchronizationRules": []any{map[string]any{"id": "r", "objectMappings": []any{
		map[string]any{"sourceObjectName": "User"}}}}}
	if _, err := EnableGroupProvisioning(schema); err == nil {
		t.Fatal("no error for a schema without a Group mapping")
	}
}
