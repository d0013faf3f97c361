package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"bellman/sim/param"
)

// column is one column of a run's rows: its name, and whether it holds
// whole numbers (written without a fraction or exponent).
type column struct {
	Name string
	Int  bool
}

// rows writes a run's output, one row per finished episode (or per
// evaluation), as CSV (a header line, then a line per row) or as one JSON
// object:
//
//	{<head's fields>, "episodes": [{<column>: <value>, ...}, ...], "final": {...}}
//
// ("episodes" is the list's key, given to newRows; CloseWith ends the object
// with other fields than "final").
//
// It never leaves invalid output: a row is checked and formatted whole
// before any of it is written, a value that is NaN or ±Inf is refused
// (a *nonFinite error naming its column; nothing is written), and Close
// and Fail both end the JSON. After a failure the JSON ends with
// "error": "<message>" in place of "final", so a reader sees that and why
// the run stopped. Write errors are kept and returned by Close or Fail.
//
// A command makes one with newRows, calls Write per episode and ends with
// Close(final) or, when it stops early (divergence), Fail(err). divergence
// (diverge.go) is the error for a number that went NaN or ±Inf at a step;
// rowDivergence turns a refused row into one.
type rows struct {
	out     *bufio.Writer
	json    bool
	columns []column
	n       int    // rows written
	line    []byte // the row being formatted
}

// newRows starts the output on w: the CSV header, or the JSON object's
// head (head must marshal to a JSON object; its fields come first) and the
// list named list.
func newRows(w io.Writer, asJSON bool, list string, columns []column, head any) (*rows, error) {
	r := &rows{out: bufio.NewWriter(w), json: asJSON, columns: columns}
	if !asJSON {
		for i, c := range columns {
			if i > 0 {
				r.out.WriteByte(',')
			}
			r.out.WriteString(c.Name)
		}
		r.out.WriteByte('\n')
		return r, nil
	}
	b, err := json.Marshal(head)
	if err != nil || len(b) < 2 || b[0] != '{' {
		return nil, fmt.Errorf("the output's head does not make a JSON object: %v", err)
	}
	if len(b) > 2 {
		b[len(b)-1] = ',' // {"a":1} → {"a":1,
	} else {
		b = b[:1]
	}
	r.out.Write(b)
	r.out.Write(strconv.AppendQuote(nil, list))
	r.out.WriteString(":[")
	return r, nil
}

// nonFinite is a value that rows refused: NaN or ±Inf in a column.
type nonFinite struct {
	Column string
	Value  float64
}

func (e *nonFinite) Error() string {
	return fmt.Sprintf("%s is %s", e.Column, param.Format(e.Value))
}

// Write writes one row, its values in the order of the columns. A NaN or
// ±Inf value is a *nonFinite error and nothing is written.
func (r *rows) Write(values ...float64) error {
	if len(values) != len(r.columns) {
		panic(fmt.Sprintf("bellman: a row of %d values for %d columns", len(values), len(r.columns)))
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &nonFinite{r.columns[i].Name, v}
		}
	}
	b := r.line[:0]
	if r.json {
		if r.n > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
	}
	for i, v := range values {
		c := r.columns[i]
		if i > 0 {
			b = append(b, ',')
		}
		if r.json {
			b = strconv.AppendQuote(b, c.Name)
			b = append(b, ':')
		}
		switch {
		case c.Int:
			b = strconv.AppendInt(b, int64(v), 10)
		case r.json:
			b = appendJSONFloat(b, v)
		default:
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		}
	}
	if r.json {
		b = append(b, '}')
	} else {
		b = append(b, '\n')
	}
	r.line = b
	r.out.Write(b)
	r.n++
	return nil
}

// Rows returns the number of rows written.
func (r *rows) Rows() int { return r.n }

// Close ends the output with final, the JSON's "final" summary (ignored
// for CSV), and flushes it. A final that does not marshal (a NaN in it)
// ends the JSON with "error" instead and is returned as an error.
func (r *rows) Close(final any) error {
	return r.CloseWith(struct {
		Final any `json:"final"`
	}{final})
}

// CloseWith is Close with the fields of tail, which must marshal to a JSON
// object, after the list instead of "final" alone.
func (r *rows) CloseWith(tail any) error {
	if !r.json {
		return r.out.Flush()
	}
	b, err := json.Marshal(tail)
	if err != nil || len(b) < 2 || b[0] != '{' {
		return r.Fail(fmt.Errorf("the final summary: %v", err))
	}
	r.out.WriteString("]")
	if len(b) > 2 {
		b[0] = ','
		r.out.Write(b) // ,"final":{...}}
	} else {
		r.out.WriteString("}")
	}
	r.out.WriteString("\n")
	return r.out.Flush()
}

// Fail ends the output after err stopped the run: the JSON gets
// "error": err's message where "final" would be. It returns err, or the
// write error if writing failed.
func (r *rows) Fail(err error) error {
	if r.json {
		msg, _ := json.Marshal(err.Error()) // a string always marshals
		r.out.WriteString(`],"error":`)
		r.out.Write(msg)
		r.out.WriteString("}\n")
	}
	if ferr := r.out.Flush(); ferr != nil {
		return errors.Join(err, ferr)
	}
	return err
}

// appendJSONFloat appends v as encoding/json writes a float64: like
// strconv's 'f' format, but with an exponent below 1e-6 and from 1e21,
// and "e-7" rather than "e-07".
func appendJSONFloat(b []byte, v float64) []byte {
	abs := math.Abs(v)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, v, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// recentReturns keeps the returns of the last 10 episodes, for the
// summaries' mean_last10.
type recentReturns struct {
	ring [10]float64
	n    int // episodes added
}

func (r *recentReturns) add(x float64) { r.ring[r.n%10] = x; r.n++ }

// mean10 returns the mean of the last 10 returns, summed oldest first, or
// nil before 10 episodes.
func (r *recentReturns) mean10() *float64 {
	if r.n < 10 {
		return nil
	}
	m := 0.0
	for k := range 10 {
		m += r.ring[(r.n+k)%10]
	}
	m /= 10
	return &m
}
