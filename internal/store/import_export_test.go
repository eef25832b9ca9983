package store

// StartsWithName exports startsWithName to the store's tests.
var StartsWithName = startsWithName
