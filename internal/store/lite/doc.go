// Package lite is Alianza's own SQLite document store (modernc.org/sqlite,
// WAL, synchronous=FULL). It knows documents, specs and SQL, never
// Alianza's model. *DB implements coll.DB; its collections coll.Collection.
//
// # Storage
//
// Each declared collection (Spec) has a table "d:<name>" (rowid, id, doc,
// one column per Field), a member table "m:<name>" (f, v, rid) and a word
// table "w:<name>" (w, rid), and with a WordScope a scoped word table
// "ws:<name>" (s, w, rid) keyed by the scope's text values too, with a
// WordOrder an ordered word table "wo:<name>" (w, k, rid) keyed by that
// field's value (a search page newest first stops early, ordered.go), all
// written by this package in the document's transaction. Open creates every table and index in one
// transaction and rebuilds a collection whose spec changed (lite_meta holds
// each spec's fingerprint). Columns keep MongoDB's order within a type:
// ObjectID as lowercase hex TEXT, strings TEXT, int32/int64 INTEGER, double
// REAL, bool 0/1, datetime ms, null and missing NULL.
//
// # Checkpoints
//
// The writer connection never checkpoints (wal_autocheckpoint=0): a
// goroutine copies the WAL into the database file on a connection of its
// own (checkpoint.go), PASSIVE after 1,000 pages and after two quiet
// seconds, so no user's commit pays for the copy and its fsync. It restarts
// the log past 32 MB when no reader holds old frames, truncates the WAL
// file past 32 MB when quiet, and holds writes back only when 128 MB are
// written and not yet copied. A reader's snapshot (a backup's VACUUM INTO)
// keeps the frames it needs; a failing checkpoint (a full disk) is logged
// and retried. Close stops it; the last connection to close copies the
// rest and removes the WAL.
//
// # Queries
//
// Filters are MongoDB query documents: implicit equality, $eq $ne $in $nin
// $gt $gte $lt $lte $exists $regex/$options $and $or $nor. Conditions on
// _id, Fields, Members and the Words field compile to SQL; whatever SQL
// cannot answer exactly (a path no spec declares, $exists: true, null on a
// member path, a regex other than "^literal" or the word search
// "(^| )literal", ...) is checked on the decoded document by a matcher with
// MongoDB's semantics, the SQL still narrowing when it can. Sorts are on
// Fields and _id only. An operator outside this list, a sort on another
// path, an update operator other than $set $unset $inc $push($each)
// $addToSet($each) $pull $pullAll $setOnInsert, or an undeclared collection
// is an error wrapping coll.ErrUnsupported. Whether a query is index-backed
// is what CheckPlans tells.
//
// # Differences from MongoDB
//
//   - Values of different BSON types in one Field or member path: SQL puts
//     ObjectIDs with strings, and bools and dates with numbers (a range on a
//     number keeps to numbers and strings, but true equals 1 and a date's
//     ms equal that integer); sorting mixes them the same way. A typed Go
//     struct never stores two types at one path.
//   - An array or document at a Field path, a nested array or document in a
//     member path, or a binary/decimal value there is an error at write time.
//   - A unique index on a Field allows several documents without the field
//     (SQLite's NULLs are distinct); MongoDB allows one unless sparse or
//     partial.
//   - Hint is ignored. Projections are inclusions only (_id always kept).
//   - Regex options i, m and s; Go's RE2 syntax (no backreferences).
package lite
