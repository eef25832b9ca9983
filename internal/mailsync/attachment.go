package mailsync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-message"

	"github.com/alianza-pe/alianza/internal/model"
)

// ErrMessageGone means the message is no longer where it was seen: the
// folder's UIDVALIDITY changed or the message was deleted or moved.
var ErrMessageGone = errors.New("message no longer in that folder")

// ErrNoAttachment means the message has no part at the attachment's section.
var ErrNoAttachment = errors.New("attachment not found in message")

// FetchAttachment reads one attachment's decoded content from the server,
// read-only (text attachments come back in UTF-8). loc is one of the message's SeenIn; when it fails with
// ErrMessageGone the caller may try the next one.
//
// It fetches the whole message and walks it the way Parse did, rather than
// BODY[section] alone: the section's own MIME header (needed to undo base64 or
// quoted-printable) is ambiguous for a single-part message, and attachment
// downloads are rare enough that one whole-message fetch is fine.
func FetchAttachment(ctx context.Context, acct Account, loc model.Location, att model.Attachment, timeout time.Duration) ([]byte, error) {
	cn, err := dial(ctx, acct, timeout)
	if err != nil {
		return nil, err
	}
	defer cn.close()
	sel, err := cn.examine(ctx, loc.Folder)
	if err != nil {
		if errors.Is(err, ErrFolder) {
			return nil, fmt.Errorf("mailsync: attachment: %w: %w", ErrMessageGone, err)
		}
		return nil, err
	}
	if sel.UIDValidity != loc.UIDValidity {
		return nil, fmt.Errorf("mailsync: attachment: folder %q was renumbered: %w", loc.Folder, ErrMessageGone)
	}
	msgs, err := cn.fetch(ctx, []imap.UID{imap.UID(loc.UID)}, nil)
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return nil, fmt.Errorf("mailsync: attachment: uid %d in %q: %w", loc.UID, loc.Folder, ErrMessageGone)
	}
	return extractPart(msgs[0].raw, att.Part)
}

// extractPart returns the decoded body of the part at an IMAP section path.
func extractPart(raw []byte, section string) ([]byte, error) {
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !isCharsetOrEncoding(err) {
		return nil, fmt.Errorf("mailsync: attachment: %w", err)
	}
	var out []byte
	found := false
	errFound := errors.New("found")
	werr := e.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil && !isCharsetOrEncoding(err) {
			return err
		}
		if part.MultipartReader() != nil || sectionPath(path) != section {
			return nil
		}
		// go-message has undone the transfer encoding, and for text/* parts
		// converted the charset to UTF-8: serve text attachments as UTF-8.
		body := part.Body
		b, rerr := io.ReadAll(body)
		if rerr != nil {
			return rerr
		}
		out, found = b, true
		return errFound
	})
	if werr != nil && !errors.Is(werr, errFound) {
		return nil, fmt.Errorf("mailsync: attachment: %w", werr)
	}
	if !found {
		return nil, fmt.Errorf("mailsync: attachment: section %s: %w", section, ErrNoAttachment)
	}
	return out, nil
}
