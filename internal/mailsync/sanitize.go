package mailsync

import (
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// htmlPolicy is UGCPolicy without remote images. A remote image in an email is
// a tracking beacon: it tells the sender who opened the message and when,
// which for an advocacy team talking to officials is information to keep. So
// img src may only be cid: (an attachment of the same message) or a data:
// image; http(s) sources are dropped. Links open in a new tab and carry
// rel="nofollow noreferrer noopener" so the destination learns nothing.
var htmlPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowStandardAttributes()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowURLSchemes("mailto", "http", "https", "tel", "cid")
	p.AllowDataURIImages()
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)

	p.AllowElements("article", "aside", "figure", "section", "summary",
		"h1", "h2", "h3", "h4", "h5", "h6", "hgroup",
		"br", "div", "hr", "p", "span", "wbr", "center", "font",
		"abbr", "acronym", "cite", "code", "dfn", "em", "figcaption", "mark",
		"s", "samp", "strong", "sub", "sup", "var", "b", "i", "pre", "small",
		"strike", "tt", "u", "rp", "rt", "ruby", "address")
	p.AllowAttrs("cite").OnElements("blockquote", "q")
	p.AllowElements("blockquote", "q")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("name").Matching(regexp.MustCompile(`^[\p{L}\p{N}_-]+$`)).OnElements("a")
	p.AllowLists()
	p.AllowTables()
	p.AllowAttrs("align").Matching(regexp.MustCompile(`(?i)^(left|right|center|justify)$`)).
		OnElements("p", "div", "td", "th", "table", "tr", "img", "h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("bgcolor", "color").Matching(regexp.MustCompile(`(?i)^(#[0-9a-f]{3,8}|[a-z]{3,20})$`)).
		OnElements("td", "th", "tr", "table", "font", "body")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("td", "th", "table", "img")
	p.AllowAttrs("valign").Matching(regexp.MustCompile(`(?i)^(top|middle|bottom|baseline)$`)).OnElements("td", "th", "tr")
	p.AllowAttrs("face").Matching(regexp.MustCompile(`^[\p{L}\p{N} ,'"-]+$`)).OnElements("font")

	p.AllowAttrs("alt").Matching(bluemonday.Paragraph).OnElements("img")
	p.AllowAttrs("src").Matching(safeImgSrc).OnElements("img")

	// Inline styles carry most of an email's layout. Only properties whose
	// values cannot hold a URL are kept; bluemonday checks each value.
	p.AllowStyles("color", "background-color", "text-align", "font-weight", "font-style",
		"font-size", "font-family", "text-decoration", "line-height", "vertical-align",
		"white-space", "padding", "padding-left", "padding-right", "padding-top", "padding-bottom",
		"margin", "margin-left", "margin-right", "margin-top", "margin-bottom",
		"border", "border-collapse", "width", "height", "max-width").Globally()
	return p
})

// safeImgSrc admits attachment references and inline image data only.
var safeImgSrc = regexp.MustCompile(`(?i)^\s*(cid:|data:image/(png|jpeg|gif|webp);base64,)`)

// remoteImgRe finds img tags whose source would be fetched from the network.
var remoteImgRe = regexp.MustCompile(`(?is)<img\b[^>]*?\bsrc\s*=\s*["']?\s*(https?:)?//`)

// SanitizeHTML makes an email's HTML safe to show in the app and returns it
// with the number of remote images it dropped (the UI can say so).
func SanitizeHTML(s string) (string, int) {
	remote := len(remoteImgRe.FindAllStringIndex(s, -1))
	return strings.TrimSpace(htmlPolicy().Sanitize(s)), remote
}

var (
	textPolicy   = sync.OnceValue(bluemonday.StrictPolicy)
	blockTagRe   = regexp.MustCompile(`(?i)<\s*(br|/p|/div|/tr|/h[1-6]|/li|/blockquote|/table)\b[^>]*>`)
	manyBlanksRe = regexp.MustCompile(`\n{3,}`)
)

// HTMLToText gives a readable plain text of an HTML body, used for the snippet
// and search when a message has no text part.
func HTMLToText(s string) string {
	s = blockTagRe.ReplaceAllString(s, "\n$0")
	s = html.UnescapeString(textPolicy().Sanitize(s))
	s = strings.ReplaceAll(s, "\u00a0", " ")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = collapseSpace(l)
	}
	return strings.TrimSpace(manyBlanksRe.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}
