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
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
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
	opts := coll.FindOptions{Sort: bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}}
	if err := s.col(colMailboxes).Find(ctx, bson.D{}, opts, &out); err != nil {
		return nil, wrap("list mailboxes", err)
	}
	return out, nil
}

// MailboxByID returns one mailbox, its password still encrypted.
func (s *Store) MailboxByID(ctx context.Context, id bson.ObjectID) (*model.Mailbox, error) {
	return findByID[model.Mailbox](ctx, s, colMailboxes, "mailbox", id)
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

// InsertMailbox stores a new mailbox the workflow checked, its clear
// password (m.Password) encrypted with key under its id. A zero id gets a
// new one; a taken id answers ErrDuplicate.
func (s *Store) InsertMailbox(ctx context.Context, actor model.Actor, key []byte, m model.Mailbox) (*model.Mailbox, error) {
	now := s.Now()
	if m.ID.IsZero() {
		m.ID = bson.NewObjectID()
	}
	m.Version, m.CreatedAt, m.UpdatedAt = 1, now, now
	enc, err := encryptPassword(key, m.ID, m.Password)
	if err != nil {
		return nil, err
	}
	m.PasswordEnc = enc
	done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
		if _, err := s.col(colMailboxes).Insert(ctx, []any{m}, coll.InsertOptions{}); err != nil {
			return nil, wrap("insert mailbox", err)
		}
		return []Change{{Actor: actor, Action: model.ActionCreate, Entity: "mailbox", ID: m.ID.Hex(), Fields: mailboxChanges(created(m), true)}}, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return &m, s.effects(ctx, done...)
}

// UpdateMailbox writes cur over old, guarded on old's version (ErrConflict
// when it changed since). A cur.Password is a new password, encrypted with
// key; empty keeps the stored one. Nothing is written when nothing changed.
func (s *Store) UpdateMailbox(ctx context.Context, actor model.Actor, key []byte, old *model.Mailbox, cur model.Mailbox) (*model.Mailbox, error) {
	pwSet := cur.Password != ""
	cur.PasswordEnc = old.PasswordEnc
	if pwSet {
		var err error
		if cur.PasswordEnc, err = encryptPassword(key, old.ID, cur.Password); err != nil {
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
	done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
		if err := s.updateVersioned(ctx, colMailboxes, old.ID, old.Version, set, &m); err != nil {
			return nil, fmt.Errorf("store: update mailbox: %w", err)
		}
		return []Change{{Actor: actor, Action: model.ActionUpdate, Entity: "mailbox", ID: old.ID.Hex(), Fields: mailboxChanges(changes, pwSet)}}, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return &m, s.effects(ctx, done...)
}

// DeleteMailbox removes a mailbox with its sync state and lease. Its
// messages stay: they are the team's correspondence.
func (s *Store) DeleteMailbox(ctx context.Context, actor model.Actor, old *model.Mailbox) error {
	id := old.ID
	return s.apply(ctx, func(ctx context.Context) ([]Change, error) {
		if err := s.deleteByID(ctx, colMailboxes, "mailbox", id); err != nil {
			return nil, err
		}
		if err := s.deleteMailState(ctx, id); err != nil {
			return nil, err
		}
		if err := s.deleteLease(ctx, id); err != nil {
			return nil, err
		}
		return []Change{{Actor: actor, Action: model.ActionDelete, Entity: "mailbox", ID: id.Hex(), Fields: mailboxChanges(diff(old, &model.Mailbox{}), false)}}, nil
	})
}
