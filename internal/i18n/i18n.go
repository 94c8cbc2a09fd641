// Package i18n holds the UI's words in message files, one per language (Bahasa Indonesia is the
// default, English the other), so that no sentence is scattered in templates or handlers.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

//go:embed messages/*.json
var files embed.FS

// Default is the language used when none is chosen.
const Default = "id"

// Languages lists the supported language codes.
var Languages = []string{"id", "en"}

var catalogs = load()

func load() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range Languages {
		b, err := files.ReadFile("messages/" + lang + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("messages/%s.json: %v", lang, err))
		}
		out[lang] = m
	}
	return out
}

// Supported reports whether lang has a catalog.
func Supported(lang string) bool { _, ok := catalogs[lang]; return ok }

// T returns the message for key in lang, formatted with args (fmt verbs). A missing message
// falls back to the default language, then to the key itself, so a gap shows but never breaks.
func T(lang, key string, args ...any) string {
	msg, ok := catalogs[lang][key]
	if !ok {
		msg, ok = catalogs[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Message is a catalog text with its arguments, for outcomes decided below the web layer (a
// sponsor run's reasons) that an API answers in English and a page in the reader's language.
type Message struct {
	Key  string
	Args []any
}

// In is the message in lang; empty for no message.
func (m Message) In(lang string) string {
	if m.Key == "" {
		return ""
	}
	return T(lang, m.Key, m.Args...)
}

// Keys lists a language's keys, sorted.
func Keys(lang string) []string {
	var ks []string
	for k := range catalogs[lang] {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Pick chooses a language from an Accept-Language header value.
func Pick(accept string) string {
	for _, part := range strings.Split(accept, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		base := strings.SplitN(tag, "-", 2)[0]
		if Supported(base) {
			return base
		}
	}
	return Default
}
