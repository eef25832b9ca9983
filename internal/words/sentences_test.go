package words

import "testing"

func TestJoin(t *testing.T) {
	tests := []struct {
		in     []string
		es, en string
	}{
		{nil, "", ""},
		{[]string{"a"}, "a", "a"},
		{[]string{"a", "b"}, "a y b", "a and b"},
		{[]string{"a", "b", "c"}, "a, b y c", "a, b and c"},
		{[]string{"Lima", "Ica"}, "Lima e Ica", "Lima and Ica"},
		{[]string{"agua", "hielo"}, "agua y hielo", "agua and hielo"},
		{[]string{"Puno", "Huánuco"}, "Puno y Huánuco", "Puno and Huánuco"},
	}
	for _, tt := range tests {
		if got := Join(tt.in, ES); got != tt.es {
			t.Errorf("Join(%q, ES) = %q, want %q", tt.in, got, tt.es)
		}
		if got := Join(tt.in, EN); got != tt.en {
			t.Errorf("Join(%q, EN) = %q, want %q", tt.in, got, tt.en)
		}
	}
}

func TestNumbers(t *testing.T) {
	for n, want := range map[int][2]string{0: {"cero", "zero"}, 1: {"uno", "one"}, 4: {"cuatro", "four"}, 10: {"diez", "ten"}, 11: {"11", "11"}} {
		if Number(n, ES) != want[0] || Number(n, EN) != want[1] {
			t.Errorf("%d: %q %q", n, Number(n, ES), Number(n, EN))
		}
	}
}

func TestRegionNameAndMonth(t *testing.T) {
	if RegionName("NAC", ES) != "nivel nacional" || RegionName("NAC", EN) != "national level" || RegionName("08", EN) != "Cusco" {
		t.Error("region names")
	}
	if Month(1, ES) != "enero" || Month(12, EN) != "December" {
		t.Error("months")
	}
}

func TestChoose(t *testing.T) {
	for _, tt := range []struct {
		in   []string
		want Lang
	}{{nil, ES}, {[]string{""}, ES}, {[]string{"xx", "en"}, EN}, {[]string{"es", "en"}, ES}, {[]string{"", "en"}, EN}} {
		if got := Choose(tt.in...); got != tt.want {
			t.Errorf("Choose(%q) = %s", tt.in, got)
		}
	}
}
