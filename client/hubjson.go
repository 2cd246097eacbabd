package client

import (
	"encoding/json"
	"strings"
	"time"
)

// hubTimeLayouts are the time formats Docker's Hub API has been seen to
// send: RFC 3339 with or without fractions, and the same without a zone
// (which is UTC).
var hubTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02"}

// parseHubTime reads a Hub timestamp; empty or unreadable values give the
// zero time rather than failing a whole list over one field.
func parseHubTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range hubTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// UnmarshalJSON reads an organization, tolerating any date format.
func (o *Org) UnmarshalJSON(b []byte) error {
	type plain Org
	var w struct {
		plain
		DateJoined string `json:"date_joined"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*o = Org(w.plain)
	o.DateJoined = parseHubTime(w.DateJoined)
	return nil
}

// UnmarshalJSON reads an organization or team member, tolerating any date
// format.
func (m *Member) UnmarshalJSON(b []byte) error {
	type plain Member
	var w struct {
		plain
		DateJoined string `json:"date_joined"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = Member(w.plain)
	m.DateJoined = parseHubTime(w.DateJoined)
	return nil
}

// UnmarshalJSON reads an audit-log event, tolerating any date format.
func (a *AuditLog) UnmarshalJSON(b []byte) error {
	type plain AuditLog
	var w struct {
		plain
		Timestamp string `json:"timestamp"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*a = AuditLog(w.plain)
	a.Timestamp = parseHubTime(w.Timestamp)
	return nil
}
