package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// IdempotencyHeader is the request header of the IETF draft
// (draft-ietf-httpapi-idempotency-key-header) that Stripe and others follow.
const IdempotencyHeader = "Idempotency-Key"

const (
	// idemKeep is how long a finished outcome is replayed.
	idemKeep = 24 * time.Hour
	// idemPending bounds a claim whose instance died mid-request; it is
	// above the server's write timeout so a live request keeps its claim.
	idemPending = 2 * time.Minute
	// idemWait is how long a repeat waits for the first request to finish
	// before answering 409.
	idemWait = 3 * time.Second
	// idemMaxKey caps the key length (the draft suggests a UUID).
	idemMaxKey = 255
)

// replayedHeaders are the response headers worth replaying.
var replayedHeaders = []string{fiber.HeaderContentType, fiber.HeaderLocation, fiber.HeaderETag, fiber.HeaderContentDisposition}

// usesIdempotency reports whether the route table applies the middleware to
// r: every signed-in write, unless the row opts out.
func usesIdempotency(r route) bool {
	return !r.public && !r.noIdempotency && r.method != fiber.MethodGet && r.method != fiber.MethodHead
}

// idempotent runs a write at most once per (user, method, path, key): the
// first request's successful outcome is stored in the database for a day
// and a repeat gets it back, from any instance. Requests without the
// header run as usual. Only 2xx outcomes are kept: a failed write changed
// nothing, and the client may correct it and send it again under the same key.
func (a *API) idempotent(c *fiber.Ctx) error {
	key := c.Get(IdempotencyHeader)
	if key == "" {
		return c.Next()
	}
	if len(key) > idemMaxKey {
		return codedProblem(c, fiber.StatusBadRequest, "idempotency_key_invalid", IdempotencyHeader)
	}
	u := auth.User(c)
	// Keyed on the route and its parameters, not on the path as spelled:
	// "/STAKEHOLDERS" or "/stakeholders/" with the same key is the same
	// write as "/stakeholders".
	id := sumParts(sha256.New(), append([]string{u.ID.Hex(), c.Method(), c.Route().Path, key}, routeParams(c)...)...)
	// Keyed: a stored fingerprint of a body that carries a password must not
	// let whoever reads the database test guesses against it.
	fp := sumParts(hmac.New(sha256.New, a.idemKey), string(c.Request().URI().QueryString()), string(c.Body()))
	ctx := c.UserContext()
	deadline := time.Now().Add(idemWait)
	for {
		rec, claimed, err := a.store.BeginIdempotent(ctx, id, u.ID, fp, idemPending)
		switch {
		case errors.Is(err, store.ErrIdemMismatch):
			return codedProblem(c, fiber.StatusUnprocessableEntity, "idempotency_key_reused", IdempotencyHeader)
		case errors.Is(err, store.ErrIdemInFlight):
			if time.Now().After(deadline) {
				return codedProblem(c, fiber.StatusConflict, "idempotency_in_flight", IdempotencyHeader)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
			continue
		case err != nil:
			return err
		case claimed:
			return a.runClaimed(c, id)
		}
		for k, v := range rec.Headers {
			c.Set(k, v)
		}
		c.Set("Idempotent-Replayed", "true")
		return c.Status(rec.Status).Send(rec.Body)
	}
}

// routeParams are the values of the request's route parameters in their
// order, ids in their canonical lower-case spelling.
func routeParams(c *fiber.Ctx) []string {
	var out []string
	for _, name := range c.Route().Params {
		v := c.Params(name)
		if id, err := bson.ObjectIDFromHex(v); err == nil {
			v = id.Hex()
		}
		out = append(out, v)
	}
	return out
}

// runClaimed runs the handler that holds the claim id and records its outcome.
func (a *API) runClaimed(c *fiber.Ctx, id string) error {
	// The client may have gone; the outcome must still be recorded.
	ctx, cancel := detached(c)
	defer cancel()
	err := c.Next()
	status := c.Response().StatusCode()
	// A change whose audit entry was not written is answered as an error
	// by auditGuard (outside this middleware): its 201 must not be kept
	// for a retry to replay.
	if err != nil || status < 200 || status > 299 || store.AuditFailure(c.UserContext()) != nil {
		if aerr := a.store.AbandonIdempotent(ctx, id); aerr != nil {
			a.log.ErrorContext(ctx, "free idempotency key", "request_id", requestID(c), "err", aerr)
		}
		return err
	}
	headers := map[string]string{}
	for _, h := range replayedHeaders {
		if v := c.GetRespHeader(h); v != "" {
			headers[h] = v
		}
	}
	body := append([]byte(nil), c.Response().Body()...)
	if serr := a.store.CompleteIdempotent(ctx, id, status, headers, body, idemKeep); serr != nil {
		// The write happened; answer it, but a repeat may run it again
		// once the claim expires. Log so the operator sees it.
		a.log.ErrorContext(ctx, "store idempotent outcome", "request_id", requestID(c), "err", serr)
	}
	return nil
}

// detached is the request's context without its cancellation, bounded,
// for work that must finish after the client has gone.
func detached(c *fiber.Ctx) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(c.UserContext()), 10*time.Second)
}

// sumParts is the hex sum of parts under h, each length-prefixed so that no
// two different lists sum alike.
func sumParts(h hash.Hash, parts ...string) string {
	for _, p := range parts {
		h.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(p))))
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}
