package main

// The tool shares its machine with the server it measures, and net/http's
// transport (two goroutines per connection, header maps, a request and a
// response object per call) spent three times the user CPU per request
// that this client does, CPU taken from the server. This client does only
// what the workloads need: each simulated client owns one keep-alive
// HTTP/1.1 connection per host and reuses its buffers, so a request costs
// little beyond its system calls.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

const (
	// requestTimeout bounds one request, as the net/http client's Timeout did.
	requestTimeout = 30 * time.Second
	// idleLimit is how long an unused connection is trusted: one idle longer
	// (a baseline's during a workload's run) is redialed rather than risked.
	idleLimit = 5 * time.Second
	// inlineBody is the largest body copied behind the header into one write;
	// larger ones (uploads) go out by a vectored write without the copy.
	inlineBody = 16 << 10
	// maxBody guards the buffers against a runaway answer.
	maxBody = 256 << 20
)

// aLongTimeAgo is a deadline that has passed: setting it breaks off any I/O.
var aLongTimeAgo = time.Unix(1, 0)

// httpClient is one simulated client's connections, one per host, and the
// buffers its requests and answers reuse. It is not safe for concurrent use.
type httpClient struct {
	conns []*httpConn
	wbuf  []byte // the request head (and a small body) being written
	body  []byte // the last answer's body
}

// httpConn is one keep-alive connection to one host.
type httpConn struct {
	host     string // as in the URL: the Host header and the key
	nc       net.Conn
	br       *bufio.Reader
	reused   bool      // has answered before
	lastUsed time.Time // when it last finished a request
	deadline time.Time // the I/O deadline set on nc
	done     <-chan struct{}
	stop     func() bool // unregisters the context watch
}

// noAnswer marks a failure before the server sent a byte of the answer: on
// a reused connection that is a server that closed it while idle, which it
// does only before reading a request, so the request never ran.
type noAnswer struct{ err error }

func (e noAnswer) Error() string { return e.err.Error() }
func (e noAnswer) Unwrap() error { return e.err }

// do sends one request and reads its whole answer. The body returned is the
// client's buffer: it is valid until the client's next request, so a caller
// that keeps any of it must copy.
func (h *httpClient) do(ctx context.Context, method, url, token, contentType string, body []byte) (int, []byte, error) {
	host, target, err := splitURL(url)
	if err != nil {
		return 0, nil, err
	}
	for attempt := 0; ; attempt++ {
		c, err := h.conn(ctx, host)
		if err != nil {
			return 0, nil, err
		}
		reused := c.reused
		status, keep, err := h.roundTrip(ctx, c, method, target, token, contentType, body)
		if err == nil && keep {
			c.reused, c.lastUsed = true, time.Now()
		} else {
			h.drop(c)
		}
		switch {
		case err == nil:
			return status, h.body, nil
		case ctx.Err() != nil:
			return 0, nil, ctx.Err()
		case attempt > 0 || !reused || !retryable(err):
			return 0, nil, err
		}
	}
}

// retryable reports whether a request that failed on a reused connection
// may be sent again on a fresh one: the server sent nothing, and not
// because it was slow.
func retryable(err error) bool {
	var na noAnswer
	return errors.As(err, &na) && !errors.Is(err, os.ErrDeadlineExceeded)
}

// roundTrip writes the request on c and reads the answer into h.body; keep
// reports whether c may serve another request.
func (h *httpClient) roundTrip(ctx context.Context, c *httpConn, method, target, token, contentType string, body []byte) (status int, keep bool, err error) {
	if err := c.arm(ctx); err != nil {
		return 0, false, err
	}
	h.wbuf = appendRequest(h.wbuf[:0], method, c.host, target, token, contentType, body)
	var werr error
	if len(body) <= inlineBody {
		h.wbuf = append(h.wbuf, body...)
		_, werr = c.nc.Write(h.wbuf)
	} else {
		bufs := net.Buffers{h.wbuf, body}
		_, werr = bufs.WriteTo(c.nc)
	}
	// A server may answer and close before it has read all of a request;
	// its answer then counts, not the failed write.
	status, keep, err = h.readResponse(c.br, method)
	if werr != nil {
		var na noAnswer
		if err == nil || !errors.As(err, &na) {
			return status, false, err
		}
		return 0, false, noAnswer{werr}
	}
	return status, keep, err
}

// conn returns the client's connection to host, dialing one if there is
// none or the last has been idle too long.
func (h *httpClient) conn(ctx context.Context, host string) (*httpConn, error) {
	for _, c := range h.conns {
		if c.host != host {
			continue
		}
		if time.Since(c.lastUsed) <= idleLimit {
			return c, nil
		}
		h.drop(c)
		break
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", dialAddr(host))
	if err != nil {
		return nil, err
	}
	c := &httpConn{host: host, nc: nc, br: bufio.NewReaderSize(nc, 16<<10), lastUsed: time.Now()}
	h.conns = append(h.conns, c)
	return c, nil
}

// drop closes c and forgets it.
func (h *httpClient) drop(c *httpConn) {
	for i, o := range h.conns {
		if o == c {
			h.conns = append(h.conns[:i], h.conns[i+1:]...)
			break
		}
	}
	if c.stop != nil {
		c.stop()
	}
	c.nc.Close()
}

// close closes every connection of the client.
func (h *httpClient) close() {
	for len(h.conns) > 0 {
		h.drop(h.conns[0])
	}
}

// arm makes ctx's end break off I/O on c and renews the deadline. The watch
// is registered once per connection and context, not per request, and the
// deadline renewed at most once a second, since both cost more than the
// rest of a request's bookkeeping.
func (c *httpConn) arm(ctx context.Context) error {
	if d := ctx.Done(); d != c.done {
		if c.stop != nil {
			c.stop()
		}
		c.done, c.stop = d, nil
		if d != nil {
			nc := c.nc
			c.stop = context.AfterFunc(ctx, func() { nc.SetDeadline(aLongTimeAgo) })
		}
	}
	if dl := time.Now().Add(requestTimeout); dl.Sub(c.deadline) > time.Second {
		if err := c.nc.SetDeadline(dl); err != nil {
			return err
		}
		c.deadline = dl
	}
	// Checked after the deadline is renewed, so that a context ending in
	// between still breaks off the request.
	return ctx.Err()
}

// splitURL splits an http:// URL into its host and request target.
func splitURL(url string) (host, target string, err error) {
	rest, ok := strings.CutPrefix(url, "http://")
	if !ok {
		return "", "", fmt.Errorf("%s: only http:// URLs are supported", url)
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	i := strings.IndexAny(rest, "/?")
	if i < 0 {
		i = len(rest)
	}
	host, target = rest[:i], rest[i:]
	if host == "" {
		return "", "", fmt.Errorf("%s: no host", url)
	}
	if !strings.HasPrefix(target, "/") {
		target = "/" + target
	}
	return host, target, nil
}

// dialAddr is host with the default port where it names none.
func dialAddr(host string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), "80")
}

// appendRequest appends the request line and headers. Bytes a request line
// cannot carry (spaces, controls, non-ASCII) are percent-encoded, as
// net/http would, rather than corrupting the request.
func appendRequest(b []byte, method, host, target, token, contentType string, body []byte) []byte {
	b = append(b, method...)
	b = append(b, ' ')
	for i := 0; i < len(target); i++ {
		if c := target[i]; c > ' ' && c < 0x7f {
			b = append(b, c)
		} else {
			b = append(b, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		}
	}
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\n"...)
	if token != "" {
		b = append(b, "Authorization: Bearer "...)
		b = append(b, token...)
		b = append(b, "\r\n"...)
	}
	if contentType != "" {
		b = append(b, "Content-Type: "...)
		b = append(b, contentType...)
		b = append(b, "\r\n"...)
	}
	if len(body) > 0 || (method != "GET" && method != "HEAD") {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, int64(len(body)), 10)
		b = append(b, "\r\n"...)
	}
	return append(b, "\r\n"...)
}
