package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// respHead is what the client needs of an answer's status line and headers.
type respHead struct {
	status  int
	length  int64 // Content-Length; -1 when absent
	chunked bool
	close   bool // the connection ends after this answer
	toEOF   bool // the body runs until the server closes
}

var errMalformed = errors.New("malformed HTTP answer")

// readResponse reads one answer to method from br, its body into h.body,
// skipping interim (1xx) answers; keep reports whether the connection may
// serve another request.
func (h *httpClient) readResponse(br *bufio.Reader, method string) (status int, keep bool, err error) {
	h.body = h.body[:0]
	hd, err := readHead(br)
	for err == nil && hd.status >= 100 && hd.status < 200 && hd.status != 101 {
		hd, err = readHead(br)
	}
	switch {
	case err != nil:
		return 0, false, err
	case hd.status == 101:
		return 0, false, fmt.Errorf("%w: unasked protocol switch", errMalformed)
	case method == "HEAD" || hd.status == 204 || hd.status == 304:
	case hd.chunked:
		h.body, err = readChunked(br, h.body)
	case hd.toEOF:
		h.body, err = readToEOF(br, h.body)
	case hd.length > maxBody:
		return 0, false, fmt.Errorf("%w: a body of %d bytes", errMalformed, hd.length)
	case hd.length > 0:
		h.body = grow(h.body, int(hd.length))
		_, err = io.ReadFull(br, h.body)
	}
	if err != nil {
		return 0, false, err
	}
	return hd.status, !hd.close && !hd.toEOF, nil
}

// readHead reads a status line and headers. A failure before the first
// byte is a noAnswer.
func readHead(br *bufio.Reader) (respHead, error) {
	hd := respHead{length: -1}
	line, err := br.ReadSlice('\n')
	if err != nil {
		if len(line) == 0 {
			return hd, noAnswer{err}
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return hd, err
	}
	line = trimEOL(line)
	// HTTP/1.x SSS[ reason]
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' || (len(line) > 12 && line[12] != ' ') {
		return hd, fmt.Errorf("%w: status line %.40q", errMalformed, line)
	}
	status, ok := parseUint(line[9:12], 10)
	if !ok || status < 100 {
		return hd, fmt.Errorf("%w: status line %.40q", errMalformed, line)
	}
	hd.status, hd.close = int(status), line[7] == '0' // HTTP/1.0 closes unless asked to keep alive
	for {
		line, long, err := readLine(br)
		if err != nil {
			return hd, err
		}
		if long {
			continue // no header the client needs is that long
		}
		if len(line) == 0 {
			break
		}
		if err := hd.header(line); err != nil {
			return hd, err
		}
	}
	hd.toEOF = !hd.chunked && hd.length < 0 && hd.status != 204 && hd.status != 304 && hd.status >= 200
	return hd, nil
}

// header notes one header line if it is one the client needs.
func (hd *respHead) header(line []byte) error {
	name, value, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		return fmt.Errorf("%w: header %.40q", errMalformed, line)
	}
	value = bytes.TrimSpace(value)
	switch {
	case bytes.EqualFold(name, []byte("Content-Length")):
		n, ok := parseUint(value, 10)
		if !ok {
			return fmt.Errorf("%w: Content-Length %.40q", errMalformed, value)
		}
		hd.length = int64(n)
	case bytes.EqualFold(name, []byte("Transfer-Encoding")):
		// Chunked must come last; any other coding runs to the close.
		last := value[bytes.LastIndexByte(value, ',')+1:]
		hd.chunked = bytes.EqualFold(bytes.TrimSpace(last), []byte("chunked"))
		if !hd.chunked {
			hd.close = true
		}
	case bytes.EqualFold(name, []byte("Connection")):
		for tok := range bytes.SplitSeq(value, []byte(",")) {
			switch tok = bytes.TrimSpace(tok); {
			case bytes.EqualFold(tok, []byte("close")):
				hd.close = true
			case bytes.EqualFold(tok, []byte("keep-alive")):
				hd.close = false
			}
		}
	}
	return nil
}

// readChunked appends a chunked body to dst and reads past its trailers.
func readChunked(br *bufio.Reader, dst []byte) ([]byte, error) {
	for {
		line, long, err := readLine(br)
		if err != nil {
			return dst, err
		}
		if i := bytes.IndexAny(line, "; \t"); i >= 0 {
			line = line[:i] // chunk extensions
		}
		size, ok := parseUint(line, 16)
		if long || !ok || size > maxBody || len(dst)+int(size) > maxBody {
			return dst, fmt.Errorf("%w: chunk size %.40q", errMalformed, line)
		}
		if size == 0 {
			break
		}
		n := len(dst)
		dst = grow(dst, n+int(size))
		if _, err := io.ReadFull(br, dst[n:]); err != nil {
			return dst, err
		}
		if line, _, err := readLine(br); err != nil || len(line) != 0 {
			return dst, fmt.Errorf("%w: no line end after a chunk", errMalformed)
		}
	}
	for { // trailers, up to the empty line
		line, long, err := readLine(br)
		if err != nil {
			return dst, err
		}
		if len(line) == 0 && !long {
			return dst, nil
		}
	}
}

// readToEOF appends everything up to the server's close to dst.
func readToEOF(br *bufio.Reader, dst []byte) ([]byte, error) {
	for {
		if len(dst) == cap(dst) {
			if len(dst) >= maxBody {
				return dst, fmt.Errorf("%w: a body over %d bytes", errMalformed, maxBody)
			}
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := br.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
	}
}

// readLine reads one line without its end. A line longer than the reader's
// buffer is skipped to its end and reported as long, its content dropped.
func readLine(br *bufio.Reader) (line []byte, long bool, err error) {
	line, err = br.ReadSlice('\n')
	for err == bufio.ErrBufferFull {
		long = true
		_, err = br.ReadSlice('\n')
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil || long {
		return nil, long, err
	}
	return trimEOL(line), false, nil
}

func trimEOL(line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r"))
}

// parseUint parses a non-empty decimal or hexadecimal number up to 2^62
// without the string conversion strconv would need.
func parseUint(b []byte, base uint64) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return 0, false
		}
		if n > 1<<62/base {
			return 0, false
		}
		n = n*base + d
	}
	return n, true
}

// grow returns b resized to n bytes, reusing its array when it is big enough.
func grow(b []byte, n int) []byte {
	if n <= cap(b) {
		return b[:n]
	}
	return append(b[:cap(b)], make([]byte, n-cap(b))...)
}
