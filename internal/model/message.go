package model

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Message review statuses. Failed marks a message the syncer could not parse:
// it is kept (with whatever headers could be read) so nothing is silently lost.
const (
	MessageNew      = "new"
	MessageFollowUp = "follow_up"
	MessageDone     = "done"
	MessageIgnored  = "ignored"
	MessageFailed   = "failed"
)

// MessageStatuses lists every status a message can have.
var MessageStatuses = Enum{MessageNew, MessageFollowUp, MessageDone, MessageIgnored, MessageFailed}

// ReviewStatuses lists the statuses a user may set; failed is set only by the syncer.
var ReviewStatuses = Enum{MessageNew, MessageFollowUp, MessageDone, MessageIgnored}

// ReviewStatusOnArrival is the review status a synced message starts with:
// the team's own sent mail has nothing to review, so it is filed as done
// (it still counts for "awaiting reply"); everything else waits as new.
func ReviewStatusOnArrival(direction string) string {
	if direction == Outbound {
		return MessageDone
	}
	return MessageNew
}

// Message directions, seen from the team.
const (
	Inbound  = "inbound"
	Outbound = "outbound"
)

// Directions lists the valid directions.
var Directions = Enum{Inbound, Outbound}

// IMAP connection security modes of a mailbox.
const (
	TLSImplicit = "implicit" // TLS from the first byte (port 993)
	TLSStartTLS = "starttls" // plain connect, then STARTTLS (port 143)
	TLSNone     = "none"     // no encryption: loopback only (tests, local bridges)
)

// TLSModes lists the valid mailbox TLS modes.
var TLSModes = Enum{TLSImplicit, TLSStartTLS, TLSNone}

// Address is one mailbox in From/To/Cc. Address is lowercase.
type Address struct {
	Name    string `bson:"name,omitempty" json:"name"`
	Address string `bson:"address" json:"address"`
}

// Attachment describes one attachment; the content stays on the IMAP server and
// is fetched on demand by Part (the IMAP body section, e.g. "2" or "1.3").
type Attachment struct {
	Index     int    `bson:"index" json:"index"`
	Name      string `bson:"name" json:"name"`
	Type      string `bson:"type" json:"type"`
	Size      int64  `bson:"size" json:"size"`
	Part      string `bson:"part" json:"-"`
	ContentID string `bson:"content_id,omitempty" json:"content_id,omitempty"`
	Inline    bool   `bson:"is_inline,omitempty" json:"inline,omitempty"` // not "inline": the bson tag parser takes that word as the inline option
}

// Location is one place a message was seen: a mailbox, a folder and its UID
// there. UIDValidity says which generation of the folder the UID belongs to.
type Location struct {
	MailboxID   bson.ObjectID `bson:"mailbox_id" json:"mailbox_id"`
	Folder      string        `bson:"folder" json:"folder"`
	UID         uint32        `bson:"uid" json:"uid"`
	UIDValidity uint32        `bson:"uidvalidity" json:"-"`
}

// MessageLinks are the records a message was linked to by a user.
type MessageLinks struct {
	MeetingIDs    []bson.ObjectID `bson:"meeting_ids,omitempty" json:"meeting_ids"`
	CommitmentIDs []bson.ObjectID `bson:"commitment_ids,omitempty" json:"commitment_ids"`
}

// Message is one distinct email (collection messages). It is kept small because
// lists scan it: text, HTML and raw headers live in MessageBody under the same _id.
//
// ID is derived from the normalised Message-ID (or the content hash when there is
// none), so seeing the same email again in another folder finds it by _id.
type Message struct {
	ID          bson.ObjectID `bson:"_id" json:"id"`
	MessageID   string        `bson:"message_id,omitempty" json:"message_id,omitempty"`
	ContentHash string        `bson:"content_hash,omitempty" json:"-"`
	InReplyTo   []string      `bson:"in_reply_to,omitempty" json:"-"`
	References  []string      `bson:"references,omitempty" json:"-"`
	ThreadID    bson.ObjectID `bson:"thread_id" json:"thread_id"`
	SubjectKey  string        `bson:"subject_key,omitempty" json:"-"`

	Subject     string       `bson:"subject" json:"subject"`
	From        Address      `bson:"from" json:"from"`
	To          []Address    `bson:"to,omitempty" json:"to"`
	Cc          []Address    `bson:"cc,omitempty" json:"cc"`
	ReplyTo     []Address    `bson:"reply_to,omitempty" json:"reply_to,omitempty"`
	Date        time.Time    `bson:"date" json:"date"`
	Snippet     string       `bson:"snippet" json:"snippet"`
	Size        int64        `bson:"size" json:"size"`
	HasHTML     bool         `bson:"has_html,omitempty" json:"has_html,omitempty"`
	Attachments []Attachment `bson:"attachments,omitempty" json:"attachments"`
	Direction   string       `bson:"direction" json:"direction"`

	Status         string          `bson:"status" json:"status"`
	FailReason     string          `bson:"fail_reason,omitempty" json:"fail_reason,omitempty"`
	AssigneeID     bson.ObjectID   `bson:"assignee_id,omitempty" json:"assignee_id,omitzero"`
	Notes          string          `bson:"notes,omitempty" json:"notes"`
	StakeholderIDs []bson.ObjectID `bson:"stakeholder_ids,omitempty" json:"stakeholder_ids"`
	Regions        []string        `bson:"regions,omitempty" json:"regions"`
	Unmatched      bool            `bson:"unmatched" json:"unmatched"`
	// Replied is set on an outbound message once an inbound message of the
	// same thread dated after it is stored: awaiting reply is then computed
	// at query time as outbound, not replied, older than N days.
	Replied bool `bson:"replied" json:"-"`
	// AwaitingReply is computed when the message is read, never stored.
	AwaitingReply bool `bson:"-" json:"awaiting_reply"`
	// Search holds the normalised words of subject and sender (not the
	// body: viewers may search but not read bodies).
	Search string       `bson:"search,omitempty" json:"-"`
	Links  MessageLinks `bson:"links" json:"links"`
	SeenIn []Location   `bson:"seen_in" json:"seen_in"`

	Version   int       `bson:"version" json:"version"`
	CreatedAt time.Time `bson:"created_at" json:"created_at"`
	UpdatedAt time.Time `bson:"updated_at" json:"updated_at"`
}

// Addresses returns every distinct address of the message (from, to, cc, reply-to).
func (m *Message) Addresses() []string {
	seen := map[string]bool{}
	var out []string
	add := func(a Address) {
		if a.Address != "" && !seen[a.Address] {
			seen[a.Address] = true
			out = append(out, a.Address)
		}
	}
	add(m.From)
	for _, l := range [][]Address{m.To, m.Cc, m.ReplyTo} {
		for _, a := range l {
			add(a)
		}
	}
	return out
}

// MessageBody is the heavy part of a message (collection message_bodies, same _id).
// HTML is already sanitised: no scripts, no remote images, safe links.
type MessageBody struct {
	ID           bson.ObjectID `bson:"_id" json:"id"`
	Text         string        `bson:"text" json:"text"`
	HTML         string        `bson:"html,omitempty" json:"html,omitempty"`
	Header       string        `bson:"header,omitempty" json:"-"`
	RemoteImages int           `bson:"remote_images,omitempty" json:"remote_images,omitempty"`
}

// IncomingMessage is what the syncer hands to the store for one fetched email.
type IncomingMessage struct {
	Message Message
	Body    MessageBody
}

// MessagePatch changes the review fields of a message; nil fields stay as they are.
type MessagePatch struct {
	Status        *string          `json:"status,omitempty"`
	AssigneeID    *bson.ObjectID   `json:"assignee_id,omitempty"`
	Notes         *string          `json:"notes,omitempty"`
	MeetingIDs    *[]bson.ObjectID `json:"meeting_ids,omitempty"`
	CommitmentIDs *[]bson.ObjectID `json:"commitment_ids,omitempty"`
	Version       *int             `json:"version,omitempty"`
}

// Validate checks the fields that are set.
func (p *MessagePatch) Validate() error {
	var pr Problems
	if p.Status != nil && !ReviewStatuses.Valid(*p.Status) {
		pr.Add("status", "must be one of %s", ReviewStatuses)
	}
	if p.Notes != nil {
		checkLen(&pr, "notes", *p.Notes, textLimit("message.notes"))
	}
	if p.Version == nil {
		pr.Add("version", "is required")
	}
	return pr.Err()
}

// Mailbox sources: configured by environment (read-only through the API) or
// added by an admin through the API.
const (
	MailboxSourceEnv = "env"
	MailboxSourceAPI = "api"
)

// Mailbox is an IMAP account the syncer reads (collection mailboxes).
// Folders empty means INBOX and the folder the server marks \Sent.
// Domains are the team's mail domains: mail from them is outbound.
//
// Password is the clear password, filled by the store from PasswordEnc
// (AES-256-GCM) when it reads a mailbox for the syncer; it is never stored
// nor sent to clients.
type Mailbox struct {
	ID          bson.ObjectID `bson:"_id" json:"id"`
	Name        string        `bson:"name" json:"name"`
	Host        string        `bson:"host" json:"host"`
	Port        int           `bson:"port" json:"port"`
	TLS         string        `bson:"tls" json:"tls"`
	Username    string        `bson:"username" json:"username"`
	Password    string        `bson:"-" json:"-"`
	PasswordEnc string        `bson:"password_enc" json:"-"`
	Source      string        `bson:"source" json:"source"`
	Address     string        `bson:"address,omitempty" json:"address,omitempty"`
	Domains     []string      `bson:"domains,omitempty" json:"domains,omitempty"`
	Folders     []string      `bson:"folders,omitempty" json:"configured_folders,omitempty"`
	Disabled    bool          `bson:"disabled" json:"disabled"`
	Version     int           `bson:"version" json:"version"`
	CreatedAt   time.Time     `bson:"created_at" json:"created_at"`
	UpdatedAt   time.Time     `bson:"updated_at" json:"updated_at"`
}

// MailboxInput is the body of POST /mailboxes. The password is write-only.
type MailboxInput struct {
	Name     string   `json:"name"`
	Host     string   `json:"host"`
	Port     int      `json:"port,omitempty"`
	TLS      string   `json:"tls"`
	Username string   `json:"username"`
	Password string   `json:"password"`
	Address  string   `json:"address,omitempty"`
	Domains  []string `json:"domains,omitempty"`
	Folders  []string `json:"folders,omitempty"`
	Disabled bool     `json:"disabled,omitempty"`
}

// Mailbox builds the (normalised) mailbox of an input, without id or password.
func (in MailboxInput) Mailbox() Mailbox {
	m := Mailbox{Name: in.Name, Host: in.Host, Port: in.Port, TLS: in.TLS, Username: in.Username,
		Address: in.Address, Domains: append([]string(nil), in.Domains...), Folders: append([]string(nil), in.Folders...),
		Disabled: in.Disabled, Source: MailboxSourceAPI}
	m.Normalize()
	return m
}

// MailboxPatch changes some fields of a mailbox; nil fields stay. A password
// replaces the stored one.
type MailboxPatch struct {
	Name     *string   `json:"name,omitempty"`
	Host     *string   `json:"host,omitempty"`
	Port     *int      `json:"port,omitempty"`
	TLS      *string   `json:"tls,omitempty"`
	Username *string   `json:"username,omitempty"`
	Password *string   `json:"password,omitempty"`
	Address  *string   `json:"address,omitempty"`
	Domains  *[]string `json:"domains,omitempty"`
	Folders  *[]string `json:"folders,omitempty"`
	Disabled *bool     `json:"disabled,omitempty"`
	Version  *int      `json:"version,omitempty"`
}

// Apply returns m with the patch applied and normalised (not validated).
func (p MailboxPatch) Apply(m Mailbox) Mailbox {
	setIf(&m.Name, p.Name)
	setIf(&m.Host, p.Host)
	setIf(&m.TLS, p.TLS)
	setIf(&m.Username, p.Username)
	setIf(&m.Address, p.Address)
	setIf(&m.Port, p.Port)
	setCopy(&m.Domains, p.Domains)
	setCopy(&m.Folders, p.Folders)
	setIf(&m.Disabled, p.Disabled)
	m.Normalize()
	return m
}

// DefaultPort is the usual IMAP port for a TLS mode.
func DefaultPort(tlsMode string) int {
	if tlsMode == TLSImplicit {
		return 993
	}
	return 143
}

// Normalize trims fields, lowercases the address and domains and fills the port.
func (m *Mailbox) Normalize() {
	trimSpace(&m.Name, &m.Username)
	m.Host = strings.ToLower(strings.TrimSpace(m.Host))
	m.TLS = strings.ToLower(strings.TrimSpace(m.TLS))
	m.Address = NormalizeEmail(m.Address)
	for i, d := range m.Domains {
		m.Domains[i] = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "@")
	}
	for i, f := range m.Folders {
		m.Folders[i] = strings.TrimSpace(f)
	}
	if m.Port == 0 {
		m.Port = DefaultPort(m.TLS)
	}
}

// Validate checks a mailbox before it is saved. Whether TLS none is allowed for
// the host (loopback only) is checked again by the syncer when it dials.
func (m *Mailbox) Validate() error {
	var p Problems
	if m.Name == "" {
		p.Add("name", "is required")
	}
	if m.Host == "" {
		p.Add("host", "is required")
	}
	if m.Port < 1 || m.Port > 65535 {
		p.Add("port", "must be between 1 and 65535")
	}
	if !TLSModes.Valid(m.TLS) {
		p.Add("tls", "must be one of %s", TLSModes)
	} else if m.TLS == TLSNone && m.Host != "" && !IsLoopbackHost(m.Host) {
		p.Add("tls", "none is only allowed to a loopback host (127.0.0.1, ::1, localhost)")
	}
	if m.Username == "" {
		p.Add("username", "is required")
	}
	if m.Address != "" && !ValidEmail(m.Address) {
		p.Add("address", "must be a valid email address")
	}
	for i, f := range m.Folders {
		if f == "" {
			p.Add("folders["+itoa(i)+"]", "must not be empty")
		}
	}
	return p.Err()
}

// IsLoopbackHost accepts loopback IP literals and the name localhost; other
// names are not resolved (DNS could answer 127.0.0.1 for a remote server).
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.IsLoopback()
}

// FolderState is the sync state of one folder of one mailbox (collection
// mail_state, _id from FolderStateID). LastUID only moves forward after the
// messages up to it are stored; a changed UIDValidity resets it to 0.
type FolderState struct {
	ID              string        `bson:"_id" json:"-"`
	MailboxID       bson.ObjectID `bson:"mailbox_id" json:"mailbox_id"`
	Folder          string        `bson:"folder" json:"name"`
	UIDValidity     uint32        `bson:"uidvalidity" json:"uidvalidity"`
	LastUID         uint32        `bson:"last_uid" json:"last_uid"`
	LastSuccessAt   time.Time     `bson:"last_success_at,omitempty" json:"last_success_at,omitzero"`
	LastError       string        `bson:"last_error,omitempty" json:"last_error,omitempty"`
	LastErrorReason string        `bson:"last_error_reason,omitempty" json:"last_error_reason,omitempty"`
	LastErrorAt     time.Time     `bson:"last_error_at,omitempty" json:"last_error_at,omitzero"`
	Imported        int64         `bson:"imported" json:"imported"`
	Duplicates      int64         `bson:"duplicates" json:"duplicates"`
	Failed          int64         `bson:"failed" json:"failed"`
	Resets          int64         `bson:"resets,omitempty" json:"resets,omitempty"`
	UpdatedAt       time.Time     `bson:"updated_at" json:"updated_at"`
}

// FolderStateID is the _id of a folder's state: one document per mailbox and folder.
func FolderStateID(mailboxID bson.ObjectID, folder string) string {
	return mailboxID.Hex() + "/" + folder
}

// MailState is the sync state of a whole mailbox as the API shows it.
type MailState struct {
	MailboxID   bson.ObjectID `json:"mailbox_id"`
	Folders     []FolderState `json:"folders"`
	LeaseHolder string        `json:"lease_holder,omitempty"`
	LeaseUntil  time.Time     `json:"lease_until,omitzero"`
}

// Lease says which process syncs a mailbox until when (collection leases,
// _id = mailbox id), so two app instances never sync the same mailbox.
type Lease struct {
	MailboxID bson.ObjectID `bson:"_id" json:"mailbox_id"`
	Holder    string        `bson:"holder" json:"holder"`
	Until     time.Time     `bson:"until" json:"until"`
}

// SubjectThread is a stored message's subject key, thread and date, for
// threading replies that carry no In-Reply-To/References.
type SubjectThread struct {
	Key    string        `bson:"subject_key"`
	Thread bson.ObjectID `bson:"thread_id"`
	Date   time.Time     `bson:"date"`
}

// StakeholderRef is what matching mail reads of a stakeholder.
type StakeholderRef struct {
	ID      bson.ObjectID `bson:"_id"`
	Emails  []string      `bson:"emails"`
	Regions []string      `bson:"regions"`
}

// MatchAddresses are the addresses a message is matched by: from, to, cc,
// each once, in that order.
func MatchAddresses(m *Message) []string {
	var out []string
	add := func(a Address) {
		if a.Address != "" && !slices.Contains(out, a.Address) {
			out = append(out, a.Address)
		}
	}
	add(m.From)
	for _, l := range [][]Address{m.To, m.Cc} {
		for _, a := range l {
			add(a)
		}
	}
	return out
}

// Match is the rule that files mail: a message belongs to every stakeholder
// listing one of its addresses (in the order the addresses come), its
// regions are the union of theirs (sorted), and it is unmatched when no
// stakeholder claims it. byAddr maps an address to the stakeholders listing it.
func Match(m *Message, byAddr map[string][]StakeholderRef) (ids []bson.ObjectID, regions []string, unmatched bool) {
	for _, a := range MatchAddresses(m) {
		for _, st := range byAddr[a] {
			if !slices.Contains(ids, st.ID) {
				ids = append(ids, st.ID)
			}
			for _, r := range st.Regions {
				if !slices.Contains(regions, r) {
					regions = append(regions, r)
				}
			}
		}
	}
	slices.Sort(regions)
	return ids, regions, len(ids) == 0
}

// ApplyMatch sets m's stakeholders, regions and unmatched flag by Match.
func ApplyMatch(m *Message, byAddr map[string][]StakeholderRef) {
	m.StakeholderIDs, m.Regions, m.Unmatched = Match(m, byAddr)
}

// AwaitingCutoff is the instant before which an unanswered outbound message
// awaits a reply: days before now (7 when days is not positive).
func AwaitingCutoff(now time.Time, days int) time.Time {
	if days < 1 {
		days = 7
	}
	return now.Add(-time.Duration(days) * 24 * time.Hour)
}

// IsAwaitingReply reports whether m, awaits a reply: outbound,
// not answered by a later inbound message of its thread, older than cutoff.
func (m *Message) IsAwaitingReply(cutoff time.Time) bool {
	return m.Direction == Outbound && !m.Replied && m.Date.Before(cutoff)
}

// MailScope is the scope of correspondence for u: their regions, as for
// every record (an admin's included). Unmatched messages have no region, so
// only users with every region see them.
func MailScope(u *User) Scope { return u.Scope() }

// SeesFailedMail: only admins of every region see messages that could not
// be parsed (they have no region either).
func SeesFailedMail(u *User) bool { return u.AdminOfEveryRegion() }

// SearchParts are what a message is found by: its metadata only. Viewers
// may search messages but not read bodies, so body words (the snippet
// included) must not be findable.
func (m *Message) SearchParts() []string {
	return []string{m.Subject, m.From.Name, m.From.Address}
}
