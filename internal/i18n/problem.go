package i18n

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// problems maps the English format of a refusal (errs.Invalid, errs.FieldErrors.Add, a
// domain package's sentinel error) to its wording in another language. The English format is
// the key, as in gettext: the domain packages keep writing plain English, and a refusal not yet
// translated shows in English rather than as a key.
var problems = loadProblems()

func loadProblems() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range Languages {
		b, err := files.ReadFile("messages/problems." + lang + ".json")
		if err != nil {
			continue // English needs none
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("messages/problems.%s.json: %v", lang, err))
		}
		out[lang] = m
	}
	return out
}

// Problem says a refusal in lang: the translation of format with args (errors among them
// said in lang too), or the English when there is none.
func Problem(lang, format string, args ...any) string {
	args = append([]any(nil), args...) // the caller's arguments stay as they were
	for i, a := range args {
		if err, ok := a.(error); ok {
			args[i] = Error(lang, err)
		}
	}
	if tr, ok := problems[lang][format]; ok {
		format = tr
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(rupiahVerbs(format, args), args...)
}

// rupiahVerbs writes each "Rp %d" amount the Indonesian way (Rp 1.000.000): the verb becomes
// %s and its argument the grouped digits.
func rupiahVerbs(format string, args []any) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 >= len(format) {
			b.WriteByte(format[i])
			continue
		}
		verb := format[i+1]
		if verb == '%' {
			b.WriteString("%%")
			i++
			continue
		}
		if verb == 'd' && strings.HasSuffix(b.String(), "Rp ") && n < len(args) {
			if v, ok := args[n].(int64); ok {
				args[n] = grouped(v)
				verb = 's'
			} else if v, ok := args[n].(int); ok {
				args[n] = grouped(int64(v))
				verb = 's'
			}
		}
		b.WriteByte('%')
		b.WriteByte(verb)
		i++
		n++
	}
	return b.String()
}

// grouped is n with dots between thousands: 1.000.000.
func grouped(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Error says an error in lang: a field error as "Label: problem" (every one of a list), any
// other by its message, translated when the message is a known one.
func Error(lang string, err error) string {
	var fes interface{ Problems() []FieldProblem }
	if errors.As(err, &fes) {
		var parts []string
		for _, p := range fes.Problems() {
			parts = append(parts, p.In(lang))
		}
		return strings.Join(parts, "; ")
	}
	var fe interface{ Problem() FieldProblem }
	if errors.As(err, &fe) {
		return fe.Problem().In(lang)
	}
	return Problem(lang, err.Error())
}

// FieldProblem is one refused field as errs describes it.
type FieldProblem struct {
	Field, Format string
	Args          []any
}

// In is "Label: problem" in lang; the label is the form's ("field.<name>"), and a field of an
// heir ("heirs[0].name") is named after the heir's form label.
func (p FieldProblem) In(lang string) string {
	msg := Problem(lang, p.Format, p.Args...)
	if p.Field == "" {
		return msg
	}
	return Label(lang, p.Field) + ": " + msg
}

// Label is a field's label in lang, or the field's name when it has none.
func Label(lang, field string) string {
	if i := strings.Index(field, "]."); i >= 0 && strings.HasPrefix(field, "heirs[") {
		return T(lang, "register.heir") + " – " + Label(lang, field[i+2:])
	}
	key := "field." + field
	if msg := T(lang, key); msg != key {
		return msg
	}
	return field
}
