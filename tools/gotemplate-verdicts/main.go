// Command gotemplate-verdicts reports Go's own verdict on templates, for actionctl's
// differential test (tests/templates/go_corpus.jsonl).
//
// It reads JSON lines {"template": "..."} on stdin and writes one JSON line per input:
// whether text/template parses it (and Go's error message and line when not) and, for
// accepted templates, their meaning for the platform: the text nodes as Go outputs them
// (trim markers applied, comments dropped) with each plain reference written {{name}},
// and the character offset of each reference's field. "text_has_close" also says when
// braces meet in the output across a comment or trimmed spaces (see joiner). A template whose tree holds
// anything else (pipes, functions, control flow, constants, ...) is "expressible": false.
//
//	go run ./tools/gotemplate-verdicts < corpus.jsonl > verdicts.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"
)

type input struct {
	Template string `json:"template"`
}

type verdict struct {
	Template     string `json:"template"`
	GoVersion    string `json:"go"`
	OK           bool   `json:"ok"`
	Error        string `json:"error,omitempty"`
	ErrorLine    int    `json:"error_line,omitempty"`
	Expressible  bool   `json:"expressible"`
	Meaning      string `json:"meaning"`
	Fields       []int  `json:"fields"`
	TextHasClose bool   `json:"text_has_close"`
}

var errorLine = regexp.MustCompile(`^template: [^:]*:(\d+):`)

func judge(text string) verdict {
	v := verdict{Template: text, GoVersion: runtime.Version(), Fields: []int{}}
	tmpl, err := template.New("t").Parse(text)
	if err != nil {
		v.Error = err.Error()
		if m := errorLine.FindStringSubmatch(v.Error); m != nil {
			v.ErrorLine, _ = strconv.Atoi(m[1])
		}
		return v
	}
	v.OK = true
	if len(tmpl.Templates()) > 1 || tmpl.Tree == nil {
		return v // {{define}} or {{block}}: more than one template
	}
	var out strings.Builder
	var joins joiner
	for _, node := range tmpl.Tree.Root.Nodes {
		switch n := node.(type) {
		case *parse.TextNode:
			out.Write(n.Text)
			if strings.Contains(string(n.Text), "}}") {
				v.TextHasClose = true
			}
			start := int(n.Pos)
			if joins.meet(start, start+len(n.Text), n.Text[0], n.Text[len(n.Text)-1]) {
				v.TextHasClose = true
			}
		case *parse.CommentNode:
		case *parse.ActionNode:
			name, pos, ok := reference(n)
			if !ok {
				return v
			}
			out.WriteString("{{" + name + "}}")
			v.Fields = append(v.Fields, utf8.RuneCountInString(text[:pos]))
			start := strings.LastIndex(text[:pos], "{{")
			end := pos + strings.Index(text[pos:], "}}") + 2
			if joins.meet(start, end, '{', '}') {
				v.TextHasClose = true
			}
		default:
			return v
		}
	}
	v.Expressible = true
	v.Meaning = out.String()
	return v
}

// joiner follows the output pieces (text, and references written {{name}}) in order,
// with where each stands in the source: two pieces that do not touch in the source had
// a comment or trimmed spaces between them, which Go drops, so their edges meet in the
// output. Braces meeting that way ("}{{/**/}}}" outputs "}}") are the platform's
// delimiters: reported like a "}}" in text (text_has_close).
type joiner struct {
	started bool
	end     int
	last    byte
}

func (j *joiner) meet(start, end int, first, last byte) bool {
	met := j.started && j.end != start && first == j.last && (first == '{' || first == '}')
	j.started, j.end, j.last = true, end, last
	return met
}

// reference is the platform name of an action that prints .parameters.X or
// .variables.X(.Y...), and the byte offset of its field.
func reference(action *parse.ActionNode) (string, int, bool) {
	pipe := action.Pipe
	if len(pipe.Decl) != 0 || len(pipe.Cmds) != 1 || len(pipe.Cmds[0].Args) != 1 {
		return "", 0, false
	}
	field, ok := pipe.Cmds[0].Args[0].(*parse.FieldNode)
	if !ok || len(field.Ident) < 2 {
		return "", 0, false
	}
	switch field.Ident[0] {
	case "parameters":
		if len(field.Ident) != 2 {
			return "", 0, false
		}
	case "variables":
	default:
		return "", 0, false
	}
	return strings.Join(field.Ident[1:], "."), int(field.Position()), true
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1<<20), 1<<26)
	writer := bufio.NewWriter(os.Stdout)
	defer writer.Flush()
	encoder := json.NewEncoder(writer)
	encoder.SetEscapeHTML(false)
	for scanner.Scan() {
		var in input
		if err := json.Unmarshal(scanner.Bytes(), &in); err != nil {
			os.Stderr.WriteString("bad input line: " + err.Error() + "\n")
			os.Exit(2)
		}
		if err := encoder.Encode(judge(in.Template)); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(2)
		}
	}
	if err := scanner.Err(); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(2)
	}
}
