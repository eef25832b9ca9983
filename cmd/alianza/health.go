package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/config"
)

// healthTimeout bounds alianza health: the server's readiness probe takes
// up to 3 s, and a container health check must not hang.
var healthTimeout = 5 * time.Second

// healthCmd asks the server at ALIANZA_ADDR whether it is ready (/readyz:
// the database answers and takes writes). Nil when it is; otherwise an
// error that run prints as one line, exiting non-zero, for a container's
// HEALTHCHECK or a supervisor.
func healthCmd(ctx context.Context, cfg *config.Config, stdout io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	url := "http://" + dialAddr(cfg.Addr) + "/readyz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("health: %s did not answer within %s", url, healthTimeout)
		}
		return fmt.Errorf("health: %s: %w", url, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		// The problem's detail says why (the database does not answer...).
		var p struct {
			Detail string `json:"detail"`
		}
		_ = json.NewDecoder(io.LimitReader(res.Body, 4096)).Decode(&p)
		return fmt.Errorf("health: not ready: %s %s", res.Status, strings.Join(strings.Fields(p.Detail), " "))
	}
	fmt.Fprintln(stdout, "ready")
	return nil
}

// dialAddr is where to reach a server listening on addr: a wildcard host
// (0.0.0.0, ::, empty) is this machine's loopback.
func dialAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
