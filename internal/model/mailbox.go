package model

// The rules of the mailboxes the team's mail is synced from: what a new
// mailbox needs, what a change may do, and that the mailbox configured by
// environment is changed only there. The workflow applies them; the store
// encrypts the password and writes.

// New returns the mailbox of a POST /mailboxes body, normalised and valid,
// its clear password in Password for the store to encrypt.
func (in MailboxInput) New() (Mailbox, error) {
	m := in.Mailbox()
	p, err := ProblemsOf(m.Validate())
	if err != nil {
		return m, err
	}
	if in.Password == "" {
		p.Add("password", "is required")
	}
	m.Password = in.Password
	return m, p.Err()
}

// CheckEditable refuses API changes to the mailbox configured by
// environment (ALIANZA_IMAP_*): the next start would undo them.
func (m *Mailbox) CheckEditable() error {
	if m.Source == MailboxSourceEnv {
		return (Problems{{Field: "source", Message: "this mailbox is configured by environment (ALIANZA_IMAP_*) and cannot be changed here"}}).Err()
	}
	return nil
}

// Resolve returns old with the patch applied, normalised and valid. A new
// password is in Password (empty when the stored one stays). The caller
// compares *p.Version with old's.
func (p MailboxPatch) Resolve(old Mailbox) (Mailbox, error) {
	if p.Version == nil {
		return old, (Problems{{Field: "version", Message: "is required"}}).Err()
	}
	cur := p.Apply(old)
	cur.Password = ""
	pr, err := ProblemsOf(cur.Validate())
	if err != nil {
		return cur, err
	}
	if p.Password != nil && *p.Password == "" {
		pr.Add("password", "must not be empty (leave it out to keep the current one)")
	}
	if p.Password != nil {
		cur.Password = *p.Password
	}
	return cur, pr.Err()
}

// EnvMailbox returns the mailbox configured by environment as it must be
// stored: normalised, source env, valid.
func EnvMailbox(m Mailbox) (Mailbox, error) {
	m.Normalize()
	m.Source = MailboxSourceEnv
	return m, m.Validate()
}
