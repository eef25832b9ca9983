package store

import "github.com/alianza-pe/alianza/internal/store/coll"

// DB is the store's database, as the collection files see it.
func (s *Store) DB() coll.DB { return s.db }

// Transactions says whether the database's WithTx is a transaction.
func (s *Store) Transactions() bool { return s.txs }
