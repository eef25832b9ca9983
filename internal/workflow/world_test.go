package workflow_test

import (
	"errors"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func fieldsOf(err error) []string {
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, f := range ve.Errors {
		out = append(out, f.Field)
	}
	return out
}
