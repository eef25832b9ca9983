package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/alianza-pe/alianza/internal/store"
)

// Archive layout: manifest.json first (so verify reads it before the rest),
// then the database file, then the generated JWT secret when there is one
// (mailbox passwords are encrypted with a key derived from it).
const (
	manifestName  = "manifest.json"
	secretName    = "jwt-secret"
	formatVersion = 1
	// engineSQLite is the embedded store's file (package store/lite).
	engineSQLite = "alianza-lite"
	// engineFerretDB is an archive of the FerretDB-based build: restore
	// puts its file back as that build kept it (db/<database>.sqlite) and
	// the next open migrates it (store/migrate.go).
	engineFerretDB = "ferretdb-sqlite"
)

// Manifest describes a backup archive.
type Manifest struct {
	Format         int             `json:"format"`
	AlianzaVersion string          `json:"alianza_version"`
	CreatedAt      time.Time       `json:"created_at"`
	Engine         string          `json:"engine"`
	Database       string          `json:"database"`
	DBFile         string          `json:"db_file"`
	DBSize         int64           `json:"db_size"`
	DBSHA256       string          `json:"db_sha256"`
	HasJWTSecret   bool            `json:"has_jwt_secret"`
	Collections    []CollectionSum `json:"collections"`
}

// Documents is the number of documents in every collection.
func (m Manifest) Documents() int64 {
	var n int64
	for _, c := range m.Collections {
		n += c.Count
	}
	return n
}

// Progress reports how far a long step is; Total is 0 when unknown.
type Progress func(phase string, done, total int64)

// Options say what to back up and where.
type Options struct {
	DataDir  string // the data folder of the embedded engine
	Database string // the database name (ALIANZA_MONGO_DB)
	Version  string // Alianza's version, kept in the manifest
	Out      string // the archive to write
	Progress Progress
	Now      func() time.Time
}

// hooks are opts' clock and progress callback, with their defaults.
func (o Options) hooks() (func() time.Time, Progress) {
	now, progress := o.Now, o.Progress
	if now == nil {
		now = time.Now
	}
	if progress == nil {
		progress = func(string, int64, int64) {}
	}
	return now, progress
}

// Result is what Create wrote.
type Result struct {
	Path     string
	Size     int64
	Manifest Manifest
	Duration time.Duration
}

// Create writes a consistent backup of the embedded database to opts.Out:
// a gzip-compressed tar with the manifest and the database. It writes to a
// temporary name in the same folder, syncs it and renames it, so a failure
// or a kill never leaves a partial file under the final name.
func Create(ctx context.Context, opts Options) (Result, error) {
	start := time.Now()
	now, progress := opts.hooks()
	out, err := filepath.Abs(opts.Out)
	if err != nil {
		return Result{}, fmt.Errorf("backup: %w", err)
	}
	dir := filepath.Dir(out)
	// The snapshot sits beside the archive (same disk) until it is packed.
	snap, err := takeSnapshot(ctx, opts, dir, "."+filepath.Base(out)+".*.snapshot", now, progress)
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(filepath.Dir(snap.path))
	m, secret := snap.manifest, snap.secret
	err = WriteAtomic(out, 0o600, func(w io.Writer) error { return writeArchive(ctx, w, m, snap.path, secret, progress) })
	if err != nil {
		return Result{}, backupError(diskError(dir, err))
	}
	st, err := os.Stat(out)
	if err != nil {
		return Result{}, fmt.Errorf("backup: %w", err)
	}
	return Result{Path: out, Size: st.Size(), Manifest: m, Duration: time.Since(start)}, nil
}

// snapshotted is a consistent copy of the database, its manifest and the
// generated JWT secret, ready to be packed.
type snapshotted struct {
	path     string // the copy, alone in its own temporary folder
	manifest Manifest
	secret   []byte
}

// takeSnapshot copies the database consistently into a new folder of dir
// (named by pattern) and computes the manifest. The caller removes the folder.
func takeSnapshot(ctx context.Context, opts Options, dir, pattern string, now func() time.Time, progress Progress) (snapshotted, error) {
	src := DBFile(opts.DataDir, opts.Database)
	if _, err := os.Stat(src); err != nil {
		return snapshotted{}, fmt.Errorf("backup: no embedded database %q in %s (check ALIANZA_DATA_DIR and ALIANZA_MONGO_DB): %w", opts.Database, opts.DataDir, err)
	}
	snapDir, err := os.MkdirTemp(dir, pattern)
	if err != nil {
		return snapshotted{}, fmt.Errorf("backup: cannot write to %s: %w", dir, err)
	}
	sn := snapshotted{path: filepath.Join(snapDir, "db.sqlite")}
	fail := func(err error) (snapshotted, error) {
		os.RemoveAll(snapDir)
		return snapshotted{}, err
	}
	progress("snapshot", 0, 0)
	if err := snapshot(ctx, src, sn.path); err != nil {
		return fail(backupError(diskError(dir, err)))
	}
	m := Manifest{
		Format: formatVersion, AlianzaVersion: opts.Version, CreatedAt: now().UTC(), Engine: engineSQLite,
		Database: opts.Database, DBFile: "db/" + store.EmbeddedFile,
	}
	progress("checksums", 0, 0)
	if m.Collections, err = sqliteSums(ctx, sn.path); err != nil {
		return fail(err)
	}
	if m.DBSize, m.DBSHA256, err = fileSHA256(sn.path); err != nil {
		return fail(err)
	}
	secret, err := os.ReadFile(filepath.Join(opts.DataDir, secretName))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fail(fmt.Errorf("backup: read JWT secret: %w", err))
	}
	m.HasJWTSecret = len(secret) > 0
	sn.manifest, sn.secret = m, secret
	return sn, nil
}

// Stream writes the same archive as Create to w (a download): the snapshot
// is taken in a temporary folder of the data folder (same disk as the
// database) and removed afterwards. opts.Out is not used.
func Stream(ctx context.Context, w io.Writer, opts Options) (Manifest, error) {
	now, progress := opts.hooks()
	snap, err := takeSnapshot(ctx, opts, opts.DataDir, ".download.*.snapshot", now, progress)
	if err != nil {
		return Manifest{}, err
	}
	defer os.RemoveAll(filepath.Dir(snap.path))
	if err := writeArchive(ctx, w, snap.manifest, snap.path, snap.secret, progress); err != nil {
		return Manifest{}, backupError(err)
	}
	return snap.manifest, nil
}

func writeArchive(ctx context.Context, w io.Writer, m Manifest, dbPath string, secret []byte, progress Progress) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := addBytes(tw, manifestName, mj, m.CreatedAt); err != nil {
		return err
	}
	f, err := os.Open(dbPath)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := tw.WriteHeader(&tar.Header{Name: m.DBFile, Mode: 0o600, Size: m.DBSize, ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	r := &progressReader{ctx: ctx, r: f, total: m.DBSize, phase: "compress", progress: progress}
	if _, err := io.Copy(tw, r); err != nil {
		return err
	}
	if len(secret) > 0 {
		if err := addBytes(tw, secretName, secret, m.CreatedAt); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

func addBytes(tw *tar.Writer, name string, b []byte, at time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

// progressReader reports bytes read and stops when ctx is cancelled.
type progressReader struct {
	ctx         context.Context
	r           io.Reader
	done, total int64
	phase       string
	progress    Progress
	last        int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	if err := p.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := p.r.Read(b)
	p.done += int64(n)
	if p.done-p.last >= 4<<20 || (err == io.EOF && p.done != p.last) {
		p.last = p.done
		p.progress(p.phase, p.done, p.total)
	}
	return n, err
}

func fileSHA256(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("backup: read %s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// ErrDiskFull is returned (wrapped) when the target's disk has no room.
var ErrDiskFull = errors.New("no space left on the disk")

// diskError turns "no space" from the OS or SQLite into ErrDiskFull with
// the folder named, so the command can print one clear line.
func diskError(dir string, err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || strings.Contains(err.Error(), "disk is full"):
		return fmt.Errorf("%w in %s: %w", ErrDiskFull, dir, err)
	case errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EROFS):
		return fmt.Errorf("cannot write to %s: %w", dir, err)
	}
	return err
}

// backupError prefixes err with "backup:" once.
func backupError(err error) error {
	if strings.HasPrefix(err.Error(), "backup:") {
		return err
	}
	return fmt.Errorf("backup: %w", err)
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// extracted is an archive unpacked and checked.
type extracted struct {
	manifest Manifest
	dbPath   string // the database file, in the folder given to extract
	secret   []byte
}

// freeSpace tells the room left on the filesystem holding a folder (false
// when the system cannot tell); tests replace it to play a small disk.
var freeSpace = diskFree

// Bounds on what a restore writes besides the database, whatever the
// archive claims.
const (
	maxManifest = 1 << 20
	maxSecret   = 4096
)

// roomMargin is the space a restore leaves free beside the database it
// writes: the server started on it next needs room for its journal and
// first writes, and a restore must not be what fills the disk.
func roomMargin(dbSize int64) int64 { return 16<<20 + dbSize/20 }

// checkRoom refuses, before anything is written, an archive whose database
// (as its manifest says) would not fit with the margin in dir, or in the
// nearest folder above it that exists.
func checkRoom(dir string, m Manifest) error {
	at := dir
	for {
		if _, err := os.Stat(at); err == nil || filepath.Dir(at) == at {
			break
		}
		at = filepath.Dir(at)
	}
	free, known, err := freeSpace(at)
	if err != nil {
		return fmt.Errorf("backup: free space in %s: %w", at, err)
	}
	need := m.DBSize + maxSecret + roomMargin(m.DBSize)
	if known && uint64(need) > free {
		return fmt.Errorf("backup: %w in %s: the archive's database takes %s, so %s must be free, and %s is",
			ErrDiskFull, at, megabytes(m.DBSize), megabytes(need), megabytes(int64(min(free, 1<<62))))
	}
	return nil
}

// megabytes writes a size for a person.
func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// openArchive opens archive and reads and checks its manifest, the first
// entry; the caller closes the file and reads the rest from the tar reader.
func openArchive(archive string) (*os.File, *tar.Reader, Manifest, error) {
	var m Manifest
	f, err := os.Open(archive)
	if err != nil {
		return nil, nil, m, fmt.Errorf("backup: %w", err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, nil, m, fmt.Errorf("backup: %s is not a backup archive: %w", archive, err)
	}
	tr := tar.NewReader(zr)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != manifestName || hdr.Size > maxManifest {
		f.Close()
		return nil, nil, m, fmt.Errorf("backup: %s has no manifest first: not an Alianza backup", archive)
	}
	if err := json.NewDecoder(io.LimitReader(tr, maxManifest)).Decode(&m); err != nil {
		f.Close()
		return nil, nil, m, fmt.Errorf("backup: manifest: %w", err)
	}
	if m.Format != formatVersion || (m.Engine != engineSQLite && m.Engine != engineFerretDB) {
		f.Close()
		return nil, nil, m, fmt.Errorf("backup: unsupported archive (format %d, engine %q)", m.Format, m.Engine)
	}
	if m.DBSize <= 0 || m.DBFile == "" {
		f.Close()
		return nil, nil, m, fmt.Errorf("backup: the manifest of %s names no database", archive)
	}
	return f, tr, m, nil
}

// extract unpacks archive's database into dir under a temporary name and
// checks it against the manifest: size, SHA-256, and every collection's
// count and checksum recomputed from the documents. It writes at most what
// the manifest says (refusing first an archive that would not fit in dir,
// an entry whose header disagrees with the manifest, and a second copy of
// an entry), so a crafted archive cannot fill the disk. The caller removes
// dbPath when it does not keep it.
func extract(ctx context.Context, archive, dir string, progress Progress) (extracted, error) {
	if progress == nil {
		progress = func(string, int64, int64) {}
	}
	var x extracted
	f, tr, m, err := openArchive(archive)
	if err != nil {
		return x, err
	}
	defer f.Close()
	x.manifest = m
	if err := checkRoom(dir, m); err != nil {
		return x, err
	}
	sawDB, sawSecret := false, false
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return x, fmt.Errorf("backup: %s is damaged: %w", archive, err)
		}
		switch hdr.Name {
		case m.DBFile:
			if sawDB {
				return x, fmt.Errorf("backup: %s holds its database twice", archive)
			}
			if hdr.Size != m.DBSize {
				return x, fmt.Errorf("backup: the database in %s is %d bytes, its manifest says %d", archive, hdr.Size, m.DBSize)
			}
			tmp, err := os.CreateTemp(dir, ".restore-*.sqlite")
			if err != nil {
				return x, fmt.Errorf("backup: cannot write to %s: %w", dir, err)
			}
			x.dbPath = tmp.Name()
			h := sha256.New()
			// At most one byte more than the manifest says: a reader that
			// gives more than its header must not fill the disk either.
			r := &progressReader{ctx: ctx, r: io.LimitReader(tr, m.DBSize+1), total: m.DBSize, phase: "extract", progress: progress}
			n, err := io.Copy(io.MultiWriter(tmp, h), r)
			if err == nil && n > m.DBSize {
				err = fmt.Errorf("the database in %s is larger than its manifest says (%d bytes)", archive, m.DBSize)
			}
			if err == nil {
				err = tmp.Sync()
			}
			if cerr := tmp.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return x, fmt.Errorf("backup: extract database: %w", diskError(dir, err))
			}
			if n != m.DBSize || hex.EncodeToString(h.Sum(nil)) != m.DBSHA256 {
				return x, fmt.Errorf("backup: the database in %s does not match its manifest (size or SHA-256)", archive)
			}
			sawDB = true
		case secretName:
			if sawSecret || hdr.Size > maxSecret {
				return x, fmt.Errorf("backup: %s holds an unexpected JWT secret entry", archive)
			}
			if x.secret, err = io.ReadAll(io.LimitReader(tr, maxSecret)); err != nil {
				return x, fmt.Errorf("backup: %s is damaged: %w", archive, err)
			}
			sawSecret = true
		}
	}
	if !sawDB {
		return x, fmt.Errorf("backup: %s holds no database", archive)
	}
	if m.HasJWTSecret != (len(x.secret) > 0) {
		return x, fmt.Errorf("backup: the JWT secret in %s does not match its manifest", archive)
	}
	if m.Engine == engineFerretDB {
		// The file matched its size and SHA-256; its documents are counted
		// and checksummed by the migration, against the migrated copy.
		return x, nil
	}
	progress("checksums", 0, 0)
	got, err := sqliteSums(ctx, x.dbPath)
	if err != nil {
		return x, err
	}
	if err := compareSums(m.Collections, got); err != nil {
		return x, fmt.Errorf("backup: %s does not match its manifest: %w", archive, err)
	}
	return x, nil
}

// Verify checks an archive: the manifest against the database it holds,
// document counts and checksums recomputed per collection.
func Verify(ctx context.Context, archive string, progress Progress) (Manifest, error) {
	dir, err := os.MkdirTemp("", "alianza-verify-")
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(dir)
	x, err := extract(ctx, archive, dir, progress)
	return x.manifest, err
}

// Restore unpacks archive into dataDir as database name, after checking it.
// dataDir must be empty (or missing) unless force, which replaces the
// database of that name and the generated JWT secret.
func Restore(ctx context.Context, archive, dataDir, name string, force bool, progress Progress) (Manifest, error) {
	entries, err := os.ReadDir(dataDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return Manifest{}, fmt.Errorf("restore: %w", err)
	}
	if len(entries) > 0 && !force {
		return Manifest{}, fmt.Errorf("restore: %s is not empty; restore into an empty folder, or add --force to replace its database", dataDir)
	}
	// Refused on the manifest's word before anything is created or replaced.
	f, _, m, err := openArchive(archive)
	if err != nil {
		return m, err
	}
	f.Close()
	if err := checkRoom(dataDir, m); err != nil {
		return m, err
	}
	dbDir := filepath.Join(dataDir, "db")
	_, statData := os.Stat(dataDir)
	_, statDB := os.Stat(dbDir)
	if err := os.MkdirAll(dbDir, 0o700); err != nil {
		return Manifest{}, fmt.Errorf("restore: %w", err)
	}
	x, err := extract(ctx, archive, dbDir, progress)
	if x.dbPath != "" {
		defer os.Remove(x.dbPath) // gone once renamed; removed here otherwise
	}
	if err != nil {
		os.Remove(x.dbPath)
		// The folders this restore created go too, so a retry finds the
		// target as it was (os.Remove leaves a folder that is not empty).
		if statDB != nil {
			os.Remove(dbDir)
		}
		if statData != nil {
			os.Remove(dataDir)
		}
		return x.manifest, err
	}
	final := DBFile(dataDir, name)
	if x.manifest.Engine == engineFerretDB {
		// The new store's file goes (with --force), so that the next open
		// migrates the restored one.
		if err := removeSQLite(final); err != nil {
			return x.manifest, err
		}
		base := filepath.Base(x.manifest.DBFile)
		if !strings.HasSuffix(base, ".sqlite") || strings.HasPrefix(base, ".") {
			return x.manifest, fmt.Errorf("restore: unexpected database file %q in the archive", x.manifest.DBFile)
		}
		final = filepath.Join(dbDir, base)
	}
	// A WAL or shared-memory file left by the replaced database would be
	// replayed into the restored one.
	if err := removeSQLite(final); err != nil {
		return x.manifest, err
	}
	if err := os.Rename(x.dbPath, final); err != nil {
		return x.manifest, fmt.Errorf("restore: %w", err)
	}
	syncDir(dbDir)
	if len(x.secret) > 0 {
		if err := writeFileAtomic(filepath.Join(dataDir, secretName), x.secret, 0o600); err != nil {
			return x.manifest, fmt.Errorf("restore: JWT secret: %w", err)
		}
	}
	return x.manifest, nil
}

// writeFileAtomic writes b to path through WriteAtomic.
func writeFileAtomic(path string, b []byte, perm os.FileMode) error {
	return WriteAtomic(path, perm, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// WriteAtomic writes path through write: into a temporary file beside it,
// synced and then renamed, so a failure leaves nothing under path.
func WriteAtomic(path string, perm os.FileMode, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return fmt.Errorf("cannot write to %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name())
	err = write(tmp)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return diskError(dir, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// removeSQLite removes a database file's companions (WAL, shared memory,
// journal) and the file itself.
func removeSQLite(path string) error {
	for _, suffix := range []string{"-wal", "-shm", "-journal", ""} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore: %w", err)
		}
	}
	return nil
}
