package bot

import "testing"

func TestResolveFollowUp(t *testing.T) {
	const cap26 = "What was the FY2026 refugee cap?"
	cases := []struct {
		name, earlier, text, want string
	}{
		{"number fragment", cap26, "and in fiscal 2024?", "What was the fiscal 2024 refugee cap?"},
		{"what about", cap26, "What about fiscal 2024?", "What was the fiscal 2024 refugee cap?"},
		{"bare number", cap26, "FY2024?", "What was the FY2024 refugee cap?"},
		{"pronoun with number", cap26, "And what was it in fiscal 2024?", "What was the refugee cap in fiscal 2024?"},
		{"pronoun", cap26, "Who set it?", "Who set the FY2026 refugee cap?"},
		{"too little content", cap26, "Why?", "Why the FY2026 refugee cap?"},
		{"standalone", cap26, "Who wrote the CRBC News article?", "Who wrote the CRBC News article?"},
		{"standalone after connective", cap26, "and who wrote the CRBC News article?", "Who wrote the CRBC News article?"},
		{"name replaces name", "How many refugees did France admit in 2023?", "what about Germany?", "How many refugees did Germany admit in 2023?"},
		{"name and number", "How many refugees did France admit in 2023?", "and Germany in 2024?", "How many refugees did Germany admit in 2024?"},
		{"common replaces closing noun phrase", cap26, "and the asylum backlog?", "What was the FY2026 asylum backlog?"},
		{"common and number", cap26, "and the asylum backlog in 2024?", "What was the 2024 asylum backlog?"},
		{"number appended with its preposition", "What was the refugee cap?", "and for 2024?", "What was the refugee cap for 2024?"},
		{"number appended without preposition", "What was the refugee cap?", "2024?", "What was the refugee cap in 2024?"},
		{"no duplicated modifier", "What was the refugee cap in fiscal 2026?", "and fiscal 2024?", "What was the refugee cap in fiscal 2024?"},
		{"month is a date", "How many were admitted in March?", "and in May?", "How many were admitted in May?"},
		{"chain keeps context", "What was the fiscal 2024 refugee cap?", "and 2025?", "What was the fiscal 2025 refugee cap?"},
		{"no earlier question", "", "and in 2024?", "and in 2024?"},
		{"empty follow-up", cap26, "  ", cap26},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ResolveFollowUp(c.earlier, c.text); got != c.want {
				t.Errorf("ResolveFollowUp(%q, %q) = %q; want %q", c.earlier, c.text, got, c.want)
			}
		})
	}
}

func TestLooksLikeQuestionAndHasContent(t *testing.T) {
	for text, want := range map[string]bool{
		"and in fiscal 2024?":            true,
		"and in fiscal 2024":             true,
		"what about Germany":             true,
		"Who wrote it":                   true,
		"I think we should run this now": false,
		"thanks!":                        false,
		"":                               false,
	} {
		if got := LooksLikeQuestion(text); got != want {
			t.Errorf("LooksLikeQuestion(%q) = %v; want %v", text, got, want)
		}
	}
	for text, want := range map[string]bool{"thanks!": false, "ok 👍": false, "and 2024?": true, "the cap": true} {
		if got := HasContent(text); got != want {
			t.Errorf("HasContent(%q) = %v; want %v", text, got, want)
		}
	}
}

func BenchmarkResolveFollowUp(b *testing.B) {
	for b.Loop() {
		ResolveFollowUp("What was the FY2026 refugee cap?", "and in fiscal 2024?")
	}
}
