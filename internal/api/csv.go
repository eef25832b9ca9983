package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/words"
	"github.com/gofiber/fiber/v2"
)

// column is one column of a CSV export, with its header in both languages.
type column[T any] struct {
	en, es string
	value  func(T) string
}

// wantsCSV reports whether the list was asked as ?format=csv.
func wantsCSV(c *fiber.Ctx) bool { return c.Query("format") == "csv" }

// sendList answers a list request with one page as JSON, or with
// ?format=csv with every row as the CSV file name.
func sendList[T any](c *fiber.Ctx, name string, cols []column[T], items []T, next string) error {
	if wantsCSV(c) {
		return sendCSV(c, name, cols, items)
	}
	return c.JSON(newList(items, next))
}

// sendCSV writes items as UTF-8 CSV with a BOM (so Excel in Spanish reads
// accents right). With ?lang=es or ?lang=en, headers and coded values
// (statuses, kinds, yes/no) are the words people read on screen; without
// it, the export keeps field names and codes for scripts.
func sendCSV[T any](c *fiber.Ctx, name string, cols []column[T], items []T) error {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	lng, human := words.Parse(c.Query("lang"))
	header := make([]string, len(cols))
	for i, col := range cols {
		header[i] = col.en
		if human {
			header[i] = words.CSVHeader(words.Text{ES: col.es, EN: col.en}, lng)
		}
	}
	_ = w.Write(header)
	row := make([]string, len(cols))
	for _, it := range items {
		for i, col := range cols {
			v := col.value(it)
			if human {
				v = words.CSVValue(name, col.en, v, lng)
			}
			row[i] = model.SpreadsheetSafe(v)
		}
		_ = w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-%s.csv"`, name, time.Now().In(lima).Format("2006-01-02")))
	return c.Send(buf.Bytes())
}

// yesNo is a CSV cell for a flag.
func yesNo(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// regionNames turns region codes into names for CSV cells.
func regionNames(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = model.RegionName(c)
	}
	return out
}
