package store

import "github.com/alianza-pe/alianza/internal/store/lite"

// SetMigrationFault makes the migration call f at each step ("batch" after
// each transaction, "copied", "checked", "renamed"); the returned func
// removes it.
func SetMigrationFault(f func(step string) error) (restore func()) {
	migrationFault = f
	return func() { migrationFault = nil }
}

// CollectionSpecs are the embedded store's collections.
func CollectionSpecs() []lite.Spec { return collectionSpecs() }
