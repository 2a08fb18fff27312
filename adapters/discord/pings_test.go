package discord

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// liveBroadcast matches @everyone and @here as Discord parses them (a
// word joiner after the "@", as bot.DefuseMentions puts, breaks them).
var liveBroadcast = regexp.MustCompile(`@(everyone|here)\b`)

// mentionOpen matches the start of a mention: <@id>, <@!id>, <@&id>.
var mentionOpen = regexp.MustCompile(`<@[!&]?\d+>`)

// Pings lists what in a message body as Discord receives it (a message,
// an interaction response's data, or a webhook edit) could notify
// anyone: allowed_mentions missing or parsing anything, and mention
// syntax that Markdown does not escape in any text. It must be empty.
func Pings(body []byte) []string {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return []string{"unreadable body: " + err.Error()}
	}
	var out []string
	am, ok := m["allowed_mentions"].(map[string]any)
	parse, isList := am["parse"].([]any)
	switch {
	case !ok:
		out = append(out, "no allowed_mentions")
	case !isList || len(parse) > 0:
		out = append(out, fmt.Sprintf("allowed_mentions.parse = %v", am["parse"]))
	case am["users"] != nil || am["roles"] != nil || am["replied_user"] == true:
		out = append(out, fmt.Sprintf("allowed_mentions = %v", am))
	}
	for _, s := range texts(m) {
		out = append(out, liveMentions(s)...)
	}
	return out
}

// liveMentions finds mentions in s that no backslash escapes (an odd
// number of backslashes before "<" escapes it).
func liveMentions(s string) []string {
	var out []string
	for _, loc := range mentionOpen.FindAllStringIndex(s, -1) {
		n := 0
		for i := loc[0] - 1; i >= 0 && s[i] == '\\'; i-- {
			n++
		}
		if n%2 == 0 {
			out = append(out, s[loc[0]:loc[1]])
		}
	}
	return append(out, liveBroadcast.FindAllString(s, -1)...)
}

// texts lists the strings of a message Discord renders: content, and
// each embed's title, description, field names and values, footer and
// author.
func texts(m map[string]any) []string {
	var out []string
	add := func(m map[string]any, keys ...string) {
		for _, k := range keys {
			if s, ok := m[k].(string); ok {
				out = append(out, s)
			}
		}
	}
	add(m, "content")
	embeds, _ := m["embeds"].([]any)
	for _, e := range embeds {
		em, _ := e.(map[string]any)
		add(em, "title", "description")
		fields, _ := em["fields"].([]any)
		for _, f := range fields {
			fm, _ := f.(map[string]any)
			add(fm, "name", "value")
		}
		for _, k := range []string{"footer", "author"} {
			if sub, ok := em[k].(map[string]any); ok {
				add(sub, "text", "name")
			}
		}
	}
	return out
}

// LimitError says which of Discord's message limits a body breaks, or
// nil.
func LimitError(body []byte) error {
	var m struct {
		Content string                    `json:"content"`
		Embeds  []*discordgo.MessageEmbed `json:"embeds"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return err
	}
	if n := units(strings.TrimSpace(m.Content)); n > MaxContent {
		return fmt.Errorf("content of %d characters; Discord allows %d", n, MaxContent)
	}
	if len(m.Embeds) > 10 {
		return fmt.Errorf("%d embeds; Discord allows 10", len(m.Embeds))
	}
	total := 0
	for _, e := range m.Embeds {
		if err := embedError(e); err != nil {
			return err
		}
		var mm map[string]any
		b, _ := json.Marshal(map[string]any{"embeds": []any{e}})
		json.Unmarshal(b, &mm)
		for _, s := range texts(mm) {
			total += units(strings.TrimSpace(s))
		}
	}
	if total > MaxEmbedTotal {
		return errors.New("the embeds together exceed 6,000 characters")
	}
	return nil
}

var (
	maskedLink = regexp.MustCompile(`\[((?:\\.|[^\]\\])*)\]\([^)]*\)`)
	mdEscape   = regexp.MustCompile(`\\(.)`)
)

// VisibleText is what a reader sees of a message body: every rendered
// text, masked links as their labels, Markdown escapes and markers and
// invisible word joiners removed.
func VisibleText(body []byte) string {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return ""
	}
	var b strings.Builder
	for _, s := range texts(m) {
		s = maskedLink.ReplaceAllString(s, "$1")
		s = strings.ReplaceAll(s, "**", "")
		s = strings.ReplaceAll(s, "\n> ", "\n")
		s = strings.TrimPrefix(s, "> ")
		s = mdEscape.ReplaceAllString(s, "$1")
		b.WriteString(strings.ReplaceAll(s, "\u2060", ""))
		b.WriteString("\n")
	}
	return b.String()
}
