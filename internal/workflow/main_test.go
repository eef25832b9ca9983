package workflow_test

import (
	"testing"

	"github.com/alianza-pe/alianza/internal/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }
