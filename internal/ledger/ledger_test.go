package ledger

import "testing"

func TestEntries(t *testing.T) {
	var e Entry
	e.Kind, e.RefID = "payment", 1
	e.Debit(AgentCash(7), 16_800).Credit(ProgramFund("jkk"), 10_000).Credit(ProgramFund("jkm"), 6_800).Credit(ParticipantCredit(3), 0)
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(e.Postings) != 3 {
		t.Fatal("a zero posting was kept")
	}
	r := e.Reversal("wrong participant")
	if err := r.Validate(); err != nil || r.Postings[0].Amount != -16_800 {
		t.Fatalf("%+v %v", r, err)
	}
	bad := Entry{Postings: []Posting{{AgentCash(1), 100}, {ProgramFund("jkk"), -99}}}
	if bad.Validate() == nil {
		t.Fatal("unbalanced entry accepted")
	}
	if (Entry{Postings: []Posting{{AgentCash(1), 100}}}).Validate() == nil {
		t.Fatal("one-legged entry accepted")
	}
	if AgentCash(7).Kind() != "agent_cash" {
		t.Fatal("kind")
	}
}
