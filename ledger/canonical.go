package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// TimeLayout is how a seal's time is written: UTC with the microseconds PostgreSQL keeps.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// fields writes the canonical field list (see the package doc).
type fields struct{ b bytes.Buffer }

func newFields(header string) *fields {
	f := &fields{}
	f.b.WriteString(header)
	f.b.WriteByte('\n')
	return f
}

func (f *fields) str(name, v string) {
	f.b.WriteString(name)
	f.b.WriteByte(' ')
	f.b.WriteString(strconv.Itoa(len(v)))
	f.b.WriteByte(':')
	f.b.WriteString(v)
	f.b.WriteByte('\n')
}

func (f *fields) int(name string, v int64) { f.str(name, strconv.FormatInt(v, 10)) }

func (f *fields) digest() string {
	sum := sha256.Sum256(f.b.Bytes())
	return hex.EncodeToString(sum[:])
}

// Time returns t as the ledger writes it: UTC, truncated to microseconds.
func Time(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// CanonicalJSON re-encodes a JSON document with object keys sorted, no whitespace, no HTML
// escaping and numbers exactly as written, so that the same terms always give the same bytes
// whichever way they were stored. An empty document is the empty object.
func CanonicalJSON(raw []byte) (string, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return "{}", nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return "", fmt.Errorf("canonical json: %w", err)
	}
	var out bytes.Buffer
	if err := writeJSON(&out, v); err != nil {
		return "", err
	}
	return out.String(), nil
}

func writeJSON(out *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				out.WriteByte(',')
			}
			if err := writeScalar(out, k); err != nil {
				return err
			}
			out.WriteByte(':')
			if err := writeJSON(out, x[k]); err != nil {
				return err
			}
		}
		out.WriteByte('}')
	case []any:
		out.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				out.WriteByte(',')
			}
			if err := writeJSON(out, e); err != nil {
				return err
			}
		}
		out.WriteByte(']')
	default:
		return writeScalar(out, x)
	}
	return nil
}

func writeScalar(out *bytes.Buffer, v any) error {
	if n, ok := v.(json.Number); ok {
		out.WriteString(n.String())
		return nil
	}
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return fmt.Errorf("canonical json: %w", err)
	}
	out.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	return nil
}
