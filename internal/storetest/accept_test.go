package storetest

import "testing"

func TestAcceptedScans(t *testing.T) {
	for report, want := range map[string]bool{
		"messages: SELECT count(*) FROM (SELECT 1 FROM \"d:messages\")\n  plan: SCAN d:messages USING COVERING INDEX i:messages:f:updated_at":                                                                                                                  true,
		"messages: SELECT rowid, doc FROM \"d:messages\" WHERE (\"d:messages\".\"f:status\" IS NULL OR \"d:messages\".\"f:status\" <> ?) ORDER BY \"d:messages\".\"f:date\" DESC, \"d:messages\".id DESC\n  plan: SCAN d:messages USING INDEX i:messages:date": true,
		"users: SELECT rowid, doc FROM \"d:users\" WHERE (\"d:users\".\"f:disabled\" IS NULL OR \"d:users\".\"f:disabled\" <> ?)\n  plan: SCAN d:users":                                                                                                        true,
		"messages: SELECT count(*) FROM (SELECT 1 FROM \"d:messages\" WHERE (\"d:messages\".\"f:status\" IS NULL OR \"d:messages\".\"f:status\" <> ?))\n  plan: SCAN d:messages USING COVERING INDEX i:messages:status_date":                                   true,
		"tasks: SELECT rowid, doc FROM \"d:tasks\" ORDER BY \"d:tasks\".id DESC\n  plan: SCAN d:tasks USING INDEX i:tasks:_id":                                                                                                                                 true,
		// A real scan: a condition SQL cannot narrow.
		"users: SELECT rowid, doc FROM \"d:users\" WHERE (\"d:users\".\"f:disabled\" IS NULL OR \"d:users\".\"f:disabled\" <> ?) AND \"d:users\".\"f:role\" = ?\n  plan: SCAN d:users": false,
		"users: SELECT rowid, doc FROM \"d:users\"\n  plan: SCAN d:users":                                                                false,
		"users: SELECT rowid, doc FROM \"d:users\" ORDER BY \"d:users\".\"f:name\"\n  plan: SCAN d:users | USE TEMP B-TREE FOR ORDER BY": false,
	} {
		if got := acceptedScan(report); got != want {
			t.Errorf("acceptedScan(%q) = %v, want %v", report, got, want)
		}
	}
}
