package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/crypto/hkdf"
)

const colMailboxes = "mailboxes"

// mailboxKeyInfo binds the derived key to its one use.
const mailboxKeyInfo = "alianza mailbox password"

// ErrMailboxKey means a mailbox password cannot be encrypted or decrypted
// with the key given (no key, or the JWT secret changed since it was saved).
var ErrMailboxKey = errors.New("mailbox password key missing or wrong")

// MailboxKey derives the AES-256 key that encrypts mailbox passwords at
// rest from the app's JWT secret (HKDF-SHA256). Every instance sharing the
// secret derives the same key.
func MailboxKey(secret []byte) ([]byte, error) {
	if len(secret) == 0 {
		return nil, fmt.Errorf("store: mailbox key: empty secret: %w", ErrMailboxKey)
	}
	key := make([]byte, 32)
	if _, err := io.ReadFull(hkdf.New(sha256.New, secret, nil, []byte(mailboxKeyInfo)), key); err != nil {
		return nil, fmt.Errorf("store: mailbox key: %w", err)
	}
	return key, nil
}

// encryptPassword seals pw with AES-256-GCM; the mailbox id is the
// additional data, so a ciphertext copied to another mailbox does not open.
func encryptPassword(key []byte, id bson.ObjectID, pw string) (string, error) {
	gcm, err := mailboxCipher(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("store: encrypt mailbox password: %w", err)
	}
	sealed := gcm.Seal(nonce, nonce, []byte(pw), id[:])
	return "v1:" + base64.RawStdEncoding.EncodeToString(sealed), nil
}

func decryptPassword(key []byte, id bson.ObjectID, enc string) (string, error) {
	gcm, err := mailboxCipher(key)
	if err != nil {
		return "", err
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(enc, "v1:"))
	if err != nil || !strings.HasPrefix(enc, "v1:") || len(raw) < gcm.NonceSize() {
		return "", fmt.Errorf("store: decrypt mailbox password: malformed: %w", ErrMailboxKey)
	}
	pw, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], id[:])
	if err != nil {
		return "", fmt.Errorf("store: decrypt mailbox password: %w", ErrMailboxKey)
	}
	return string(pw), nil
}

func mailboxCipher(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("store: mailbox cipher: %w", ErrMailboxKey)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("store: mailbox cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

// DecryptMailboxPassword fills m.Password from m.PasswordEnc.
func DecryptMailboxPassword(key []byte, m *model.Mailbox) error {
	pw, err := decryptPassword(key, m.ID, m.PasswordEnc)
	if err != nil {
		return fmt.Errorf("mailbox %s: %w", m.ID.Hex(), err)
	}
	m.Password = pw
	return nil
}

// EnvMailboxID is the stable id of the mailbox configured by environment,
// derived from its server address and user, so every instance and every
// restart upserts the same document.
func EnvMailboxID(addr, user string) bson.ObjectID {
	sum := sha256.Sum256([]byte("env-mailbox:" + strings.ToLower(strings.TrimSpace(user)) + "@" + strings.ToLower(strings.TrimSpace(addr))))
	var id bson.ObjectID
	copy(id[:], sum[:12])
	return id
}

// ListMailboxes returns every mailbox by name, without passwords.
func (s *Store) ListMailboxes(ctx context.Context) ([]model.Mailbox, error) {
	out := []model.Mailbox{}
	opts := options.Find().SetSort(bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}})
	if err := s.findAll(ctx, colMailboxes, bson.D{}, opts, &out); err != nil {
		return nil, wrap("list mailboxes", err)
	}
	return out, nil
}

// MailboxByID returns one mailbox, its password still encrypted.
func (s *Store) MailboxByID(ctx context.Context, id bson.ObjectID) (*model.Mailbox, error) {
	var m model.Mailbox
	if err := s.c(colMailboxes).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&m); err != nil {
		return nil, wrap("find mailbox", err)
	}
	return &m, nil
}

// mailboxChanges are the audited changes of a mailbox: never the password
// itself, only that it was set.
func mailboxChanges(changes []model.Change, passwordSet bool) []model.Change {
	out := slices.DeleteFunc(changes, func(c model.Change) bool { return c.Field == "password_enc" })
	if passwordSet {
		out = append(out, model.Change{Field: "password", New: "(set)"})
	}
	return out
}

// CreateMailbox validates and stores a mailbox added through the API, its
// password encrypted with key.
func (s *Store) CreateMailbox(ctx context.Context, actor model.Actor, key []byte, in model.MailboxInput) (*model.Mailbox, error) {
	m := in.Mailbox()
	p, err := model.ProblemsOf(m.Validate())
	if err != nil {
		return nil, err
	}
	if in.Password == "" {
		p.Add("password", "is required")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	now := s.Now()
	m.ID, m.Version, m.CreatedAt, m.UpdatedAt = bson.NewObjectID(), 1, now, now
	enc, err := encryptPassword(key, m.ID, in.Password)
	if err != nil {
		return nil, err
	}
	m.PasswordEnc = enc
	if _, err := s.c(colMailboxes).InsertOne(ctx, m); err != nil {
		return nil, wrap("insert mailbox", err)
	}
	s.changed(ctx, Change{Actor: actor, Action: model.ActionCreate, Entity: "mailbox", ID: m.ID.Hex(), Fields: mailboxChanges(created(m), true)})
	return &m, nil
}

// errEnvMailbox refuses API changes to the mailbox configured by environment.
func errEnvMailbox() error {
	return (model.Problems{{Field: "source", Message: "this mailbox is configured by environment (ALIANZA_IMAP_*) and cannot be changed here"}}).Err()
}

// UpdateMailbox applies a version-guarded patch; a new password is encrypted with key.
func (s *Store) UpdateMailbox(ctx context.Context, actor model.Actor, key []byte, id bson.ObjectID, p model.MailboxPatch) (*model.Mailbox, error) {
	old, err := s.MailboxByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if old.Source == model.MailboxSourceEnv {
		return nil, errEnvMailbox()
	}
	if p.Version == nil {
		return nil, (model.Problems{{Field: "version", Message: "is required"}}).Err()
	}
	if *p.Version != old.Version {
		return nil, fmt.Errorf("store: update mailbox: %w", ErrConflict)
	}
	cur := p.Apply(*old)
	pr, err := model.ProblemsOf(cur.Validate())
	if err != nil {
		return nil, err
	}
	if p.Password != nil && *p.Password == "" {
		pr.Add("password", "must not be empty (leave it out to keep the current one)")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	pwSet := p.Password != nil
	if pwSet {
		if cur.PasswordEnc, err = encryptPassword(key, id, *p.Password); err != nil {
			return nil, err
		}
	}
	changes := diff(old, &cur)
	if len(changes) == 0 {
		return old, nil
	}
	set := setOf(changes)
	set = append(set, bson.E{Key: "updated_at", Value: s.Now()})
	var m model.Mailbox
	if err := s.updateVersioned(ctx, colMailboxes, id, old.Version, set, &m); err != nil {
		return nil, fmt.Errorf("store: update mailbox: %w", err)
	}
	s.changed(ctx, Change{Actor: actor, Action: model.ActionUpdate, Entity: "mailbox", ID: id.Hex(), Fields: mailboxChanges(changes, pwSet)})
	return &m, nil
}

// DeleteMailbox removes a mailbox added through the API with its sync state
// and lease. Its messages stay: they are the team's correspondence.
func (s *Store) DeleteMailbox(ctx context.Context, actor model.Actor, id bson.ObjectID) error {
	old, err := s.MailboxByID(ctx, id)
	if err != nil {
		return err
	}
	if old.Source == model.MailboxSourceEnv {
		return errEnvMailbox()
	}
	if err := s.deleteByID(ctx, colMailboxes, "mailbox", id); err != nil {
		return err
	}
	if err := s.deleteMailState(ctx, id); err != nil {
		return err
	}
	if err := s.deleteLease(ctx, id); err != nil {
		return err
	}
	s.changed(ctx, Change{Actor: actor, Action: model.ActionDelete, Entity: "mailbox", ID: id.Hex(), Fields: mailboxChanges(diff(old, &model.Mailbox{}), false)})
	return nil
}

// UpsertEnvMailbox stores the mailbox configured by environment under its
// stable id (m.ID), with source env and its password (m.Password)
// encrypted with key. Nothing is written when nothing changed.
func (s *Store) UpsertEnvMailbox(ctx context.Context, key []byte, m model.Mailbox) (*model.Mailbox, error) {
	m.Normalize()
	m.Source = model.MailboxSourceEnv
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("store: mailbox from environment: %w", err)
	}
	old, err := s.MailboxByID(ctx, m.ID)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	now := s.Now()
	if old == nil {
		m.Version, m.CreatedAt, m.UpdatedAt = 1, now, now
		if m.PasswordEnc, err = encryptPassword(key, m.ID, m.Password); err != nil {
			return nil, err
		}
		if _, err := s.c(colMailboxes).InsertOne(ctx, m); err != nil {
			if err = wrap("insert env mailbox", err); errors.Is(err, ErrDuplicate) {
				// Another instance inserted it first.
				return s.MailboxByID(ctx, m.ID)
			}
			return nil, err
		}
		s.changed(ctx, Change{Actor: model.SystemActor, Action: model.ActionCreate, Entity: "mailbox", ID: m.ID.Hex(), Fields: mailboxChanges(created(m), true)})
		return &m, nil
	}
	oldPw, derr := decryptPassword(key, old.ID, old.PasswordEnc)
	pwChanged := derr != nil || oldPw != m.Password
	m.PasswordEnc = old.PasswordEnc
	if pwChanged {
		if m.PasswordEnc, err = encryptPassword(key, m.ID, m.Password); err != nil {
			return nil, err
		}
	}
	m.Version, m.CreatedAt, m.UpdatedAt = old.Version, old.CreatedAt, old.UpdatedAt
	changes := diff(old, &m)
	if len(changes) == 0 {
		return old, nil
	}
	m.Version, m.UpdatedAt = old.Version+1, now
	unlock := lockDoc(m.ID)
	_, err = s.c(colMailboxes).ReplaceOne(ctx, bson.D{{Key: "_id", Value: m.ID}}, m)
	unlock()
	if err != nil {
		return nil, wrap("update env mailbox", err)
	}
	s.changed(ctx, Change{Actor: model.SystemActor, Action: model.ActionUpdate, Entity: "mailbox", ID: m.ID.Hex(), Fields: mailboxChanges(changes, pwChanged)})
	return &m, nil
}
