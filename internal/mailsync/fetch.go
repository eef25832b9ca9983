package mailsync

import (
	"context"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// uidsAfter returns the UIDs above last in the selected folder, ascending.
// "UID SEARCH UID n:*" always matches the highest UID even when it is below
// n (RFC 3501: "*" is the largest UID in use), so the answer is filtered.
func (cn *conn) uidsAfter(ctx context.Context, last uint32) ([]imap.UID, error) {
	var set imap.UIDSet
	set.AddRange(imap.UID(last+1), 0)
	var data *imap.SearchData
	err := cn.step(ctx, func(func()) error {
		var err error
		data, err = cn.c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mailsync: search UIDs after %d: %w", last, err)
	}
	var out []imap.UID
	for _, uid := range data.AllUIDs() {
		if uint32(uid) > last {
			out = append(out, uid)
		}
	}
	sortUIDs(out)
	return out, nil
}

// sizes returns RFC822.SIZE of each UID, so batches can be cut by bytes.
func (cn *conn) sizes(ctx context.Context, uids []imap.UID) (map[imap.UID]int64, error) {
	out := make(map[imap.UID]int64, len(uids))
	err := cn.step(ctx, func(kick func()) error {
		cmd := cn.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true})
		return eachFetched(cmd, kick, func(buf *imapclient.FetchMessageBuffer) { out[buf.UID] = buf.RFC822Size })
	})
	if err != nil {
		return nil, fmt.Errorf("mailsync: fetch sizes: %w", err)
	}
	return out, nil
}

// eachFetched hands each message of a FETCH to use as it arrives, and
// kicks the step's watchdog after each, so a long FETCH that keeps
// delivering is not taken for a stalled one.
func eachFetched(cmd *imapclient.FetchCommand, kick func(), use func(*imapclient.FetchMessageBuffer)) error {
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		buf, err := msg.Collect()
		if err != nil {
			cmd.Close()
			return err
		}
		use(buf)
		kick()
	}
	return cmd.Close()
}

// fetched is one message as read from the server.
type fetched struct {
	uid          imap.UID
	internalDate time.Time
	size         int64
	raw          []byte
	headerOnly   bool
}

// fetch reads whole messages with BODY.PEEK[] (PEEK: \Seen is never set).
// Messages listed in headerOnly are fetched as BODY.PEEK[HEADER] only.
func (cn *conn) fetch(ctx context.Context, uids, headerOnly []imap.UID) ([]fetched, error) {
	var out []fetched
	full := &imap.FetchItemBodySection{Peek: true}
	header := &imap.FetchItemBodySection{Peek: true, Specifier: imap.PartSpecifierHeader}
	run := func(set []imap.UID, section *imap.FetchItemBodySection, headerOnly bool) error {
		if len(set) == 0 {
			return nil
		}
		return cn.step(ctx, func(kick func()) error {
			cmd := cn.c.Fetch(imap.UIDSetNum(set...), &imap.FetchOptions{
				UID: true, InternalDate: true, RFC822Size: true,
				BodySection: []*imap.FetchItemBodySection{section},
			})
			return eachFetched(cmd, kick, func(buf *imapclient.FetchMessageBuffer) {
				out = append(out, fetched{
					uid: buf.UID, internalDate: buf.InternalDate, size: buf.RFC822Size,
					raw: buf.FindBodySection(section), headerOnly: headerOnly,
				})
			})
		})
	}
	if err := run(uids, full, false); err != nil {
		return nil, fmt.Errorf("mailsync: fetch %d messages: %w", len(uids), err)
	}
	if err := run(headerOnly, header, true); err != nil {
		return nil, fmt.Errorf("mailsync: fetch %d headers: %w", len(headerOnly), err)
	}
	sortFetched(out)
	return out, nil
}

// idle waits in IDLE until the server reports new messages (since the last
// drainChanged), d passes or ctx ends. It returns nil in all three cases;
// errors mean the connection is gone.
func (cn *conn) idle(ctx context.Context, d time.Duration) error {
	var cmd *imapclient.IdleCommand
	if err := cn.step(ctx, func(func()) error {
		var err error
		cmd, err = cn.c.Idle()
		return err
	}); err != nil {
		return fmt.Errorf("mailsync: idle: %w", err)
	}
	if cn.onIdle != nil {
		cn.onIdle()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-cn.changed:
	case <-t.C:
	case <-ctx.Done():
	case <-cn.c.Closed():
		return fmt.Errorf("mailsync: idle: %w: connection closed", ErrUnreachable)
	}
	err := cn.step(context.WithoutCancel(ctx), func(func()) error {
		if err := cmd.Close(); err != nil {
			return err
		}
		return cmd.Wait()
	})
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("mailsync: end idle: %w", err)
	}
	return nil
}
