package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// hubError is Docker's `error` shape: {errinfo, detail, message}.
type hubError struct {
	ErrInfo map[string]any `json:"errinfo"`
	Detail  string         `json:"detail"`
	Message string         `json:"message"`
}

// scimErrorSchema is the SCIM error message schema URN (RFC 7644 §3.12).
const scimErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"

// scimError is Docker's `scim_error` shape; status is a string.
type scimError struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail"`
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeHub(w http.ResponseWriter, status int, v any) {
	writeJSON(w, status, "application/json", v)
}

func writeHubError(w http.ResponseWriter, status int, message string) {
	writeHub(w, status, hubError{ErrInfo: map[string]any{}, Detail: message, Message: message})
}

func writeSCIM(w http.ResponseWriter, status int, v any) {
	writeJSON(w, status, "application/scim+json", v)
}

func writeSCIMError(w http.ResponseWriter, status int, scimType, detail string) {
	writeSCIM(w, status, scimError{
		Schemas:  []string{scimErrorSchema},
		Status:   strconv.Itoa(status),
		ScimType: scimType,
		Detail:   detail,
	})
}
