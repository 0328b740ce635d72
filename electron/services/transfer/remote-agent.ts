/**
 * The remote half of the transfer layer and the sync engine: a Python 3
 * program run through one exec per call (python3 -I -S -c PROGRAM MODE ARGS),
 * where PROGRAM is the shared helpers and that one mode's code.
 * Python is on every CoCalc project image; coreutils alone cannot do a
 * hash-cached listing, NUL framing and compare-and-swap commits in one call.
 * Modes: list (remote hash cache keyed by size, mtime, ctime and inode, and a
 * delta against the client's last listing), page (the rest of a long
 * listing), read (byte ranges as base64), commit (unpack a staged bundle,
 * verify sha256, compare-and-swap, rename into place; with a versions folder,
 * what it deletes or replaces is moved or linked there first, then retention
 * runs), cleanup.
 */
const COMMON = String.raw`import os, stat, sys

MODE = sys.argv[1]
OUT = sys.stdout.buffer
TMP_MARK = ".cocalc-tmp-"


class Bad(Exception):
    pass


def rel_ok(p):
    if not isinstance(p, str) or p == "" or p.startswith("/") or "\0" in p:
        return False
    return all(x not in ("", ".", "..") for x in p.split("/"))


def args():
    import json

    return json.loads(sys.argv[2])


def root_abs(r):
    if r != "" and not rel_ok(r):
        raise Bad("bad root")
    return os.path.abspath(r or ".")


def check_parents(root, rel, create, seen=None):
    """Every folder between root and rel must be a real folder (never a link); seen: folders this call already checked."""
    if not rel_ok(rel):
        raise Bad("unsafe path")
    cur = root
    for part in rel.split("/")[:-1]:
        cur = os.path.join(cur, part)
        if seen is not None and cur in seen:
            continue
        try:
            st = os.lstat(cur)
        except FileNotFoundError:
            if not create:
                return False
            os.mkdir(cur)
            continue
        if not stat.S_ISDIR(st.st_mode):
            raise Bad("a parent is not a folder")
        if seen is not None:
            seen.add(cur)
    return True


def sha_file(path):
    import hashlib

    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def state_of(path):
    """absent | dir | link | other | the file's sha256"""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "absent"
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    if stat.S_ISLNK(st.st_mode):
        return "link"
    if not stat.S_ISREG(st.st_mode):
        return "other"
    return sha_file(path)


def good_name(name):
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def shown(name):
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
`;

const LIST = String.raw`def main():
    import json

    A = args()
    root = root_abs(A.get("root", ""))
    prune = set(A.get("prune", []))
    max_hash = A.get("max_hash", 1 << 62)
    page_bytes = A.get("page_bytes", 900000)
    sdir = A.get("state")
    keep = A.get("keep", True)
    since = A.get("since")
    import time

    prev = {}
    cache = {}
    if sdir:
        if not rel_ok(sdir):
            raise Bad("bad state folder")
        os.makedirs(sdir, exist_ok=True)
        # bundles staged by uploads that never committed (a crash, a lost connection) go after an hour
        top = os.path.dirname(sdir)
        for n in os.listdir(top):
            q = os.path.join(top, n)
            try:
                if (n.startswith("stage-") or n.startswith("xfer-")) and time.time() - os.lstat(q).st_mtime > 3600:
                    import shutil

                    shutil.rmtree(q, ignore_errors=True)
            except OSError:
                pass
        for n in os.listdir(sdir):
            if n.startswith("page.") or n.startswith("m.tmp"):
                try:
                    os.unlink(os.path.join(sdir, n))
                except OSError:
                    pass
        mf = os.path.join(sdir, "m." + since) if since else None
        if mf and os.path.exists(mf):
            with open(mf, "r", encoding="utf-8") as f:
                prev = json.load(f)
            cache = prev
        else:
            since = None
            # no manifest for the client's id: any other one still serves as a hash cache
            for n in os.listdir(sdir):
                if n.startswith("m."):
                    try:
                        with open(os.path.join(sdir, n), "r", encoding="utf-8") as f:
                            cache = json.load(f)
                        break
                    except (OSError, ValueError):
                        pass
    skip_top = A.get("skip_top")
    try:
        rst = os.lstat(root)
    except FileNotFoundError:
        OUT.write(b"CSL1\0missing\0\0\0\0END\0")
        return
    if not stat.S_ISDIR(rst.st_mode):
        raise Bad("the root is not a folder")
    now = {}

    def add(rel, t, size, mt, ct, ino, mode, sha, extra):
        now[rel] = [t, size, mt, ct, ino, mode, sha, extra]

    def visit_file(abs_p, rel, st):
        c = cache.get(rel)
        sha = ""
        if c and c[0] == "f" and c[1] == st.st_size and c[2] == st.st_mtime_ns and c[3] == st.st_ctime_ns and c[4] == st.st_ino and c[6]:
            sha = c[6]
        elif st.st_size <= max_hash:
            try:
                sha = sha_file(abs_p)
            except OSError as e:
                add(rel, "e", 0, 0, 0, 0, 0, "", e.strerror or "unreadable")
                return
        add(rel, "f", st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, stat.S_IMODE(st.st_mode), sha, "")

    def walk(abs_d, rel_d):
        try:
            entries = list(os.scandir(abs_d))
        except OSError as e:
            add(rel_d, "e", 0, 0, 0, 0, 0, "", e.strerror or "unreadable folder")
            return
        for de in entries:
            name = de.name
            rel = rel_d + "/" + name if rel_d else name
            if TMP_MARK in name:
                continue
            if rel_d == "" and skip_top and name == skip_top:
                continue
            if not good_name(name):
                add(shown(rel), "n", 0, 0, 0, 0, 0, "", "the name is not valid UTF-8")
                continue
            try:
                st = de.stat(follow_symlinks=False)
            except OSError as e:
                add(rel, "e", 0, 0, 0, 0, 0, "", e.strerror or "unreadable")
                continue
            m = st.st_mode
            if stat.S_ISDIR(m):
                if name in prune:
                    continue
                add(rel, "d", 0, 0, 0, 0, stat.S_IMODE(m), "", "")
                walk(de.path, rel)
            elif stat.S_ISLNK(m):
                try:
                    target = os.readlink(de.path)
                except OSError:
                    target = ""
                add(rel, "l", 0, 0, 0, 0, 0, "", shown(target))
            elif stat.S_ISREG(m):
                visit_file(de.path, rel, st)
            else:
                add(rel, "o", 0, 0, 0, 0, 0, "", "not a regular file")

    only = A.get("paths")
    if only is None:
        walk(root, "")
    else:
        for p in only:
            if not check_parents(root, p, False):
                continue
            ap = os.path.join(root, p)
            try:
                st = os.lstat(ap)
            except FileNotFoundError:
                continue
            if stat.S_ISDIR(st.st_mode):
                add(p, "d", 0, 0, 0, 0, stat.S_IMODE(st.st_mode), "", "")
                walk(ap, p)
            elif stat.S_ISREG(st.st_mode):
                visit_file(ap, p, st)
            elif stat.S_ISLNK(st.st_mode):
                add(p, "l", 0, 0, 0, 0, 0, "", "")
            else:
                add(p, "o", 0, 0, 0, 0, 0, "", "not a regular file")

    def rec(rel, v):
        return "%s\0%s\0%d\0%d\0%o\0%s\0%s\0" % (v[0], rel, v[1], v[2] // 1000000, v[5], v[6], v[7])

    recs = []
    if since:
        mode = "delta"
        for rel, v in now.items():
            p = prev.get(rel)
            if p is None or p[0] != v[0] or p[1] != v[1] or p[2] != v[2] or p[5] != v[5] or p[6] != v[6] or p[7] != v[7]:
                recs.append(rec(rel, v))
        for rel in prev:
            if rel not in now:
                recs.append("-\0%s\0\0\0\0\0\0" % rel)
    else:
        mode = "full"
        recs = [rec(rel, v) for rel, v in now.items()]
    newid = ""
    if sdir and keep and since and not recs and now == prev:
        # nothing changed, not even a hash-cache key: the client's manifest stays, unwritten
        newid = since
    elif sdir and keep:
        newid = os.urandom(8).hex()
        tmp = os.path.join(sdir, "m.tmp" + newid)
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(now, f, separators=(",", ":"))
        os.replace(tmp, os.path.join(sdir, "m." + newid))
        kept = {"m." + newid, "m." + (A.get("since") or "")}
        for n in os.listdir(sdir):
            if n.startswith("m.") and n not in kept:
                try:
                    os.unlink(os.path.join(sdir, n))
                except OSError:
                    pass
    pages = []
    cur = []
    size = 0
    for r in recs:
        b = len(r.encode("utf-8"))
        if cur and size + b > page_bytes:
            pages.append("".join(cur))
            cur, size = [], 0
        cur.append(r)
        size += b
    pages.append("".join(cur))
    token = ""
    if len(pages) > 1:
        if not sdir:
            raise Bad("the listing is too long for one reply and there is no state folder")
        token = os.urandom(6).hex()
        for i, pg in enumerate(pages[1:], start=1):
            with open(os.path.join(sdir, "page.%s.%d" % (token, i)), "w", encoding="utf-8") as f:
                f.write(pg)
    elif sdir and not keep:
        try:
            os.rmdir(sdir)
        except OSError:
            pass
    head = "CSL1\0%s\0%s\0%d\0%s\0" % (mode, newid, len(pages), token)
    OUT.write((head + pages[0] + "END\0").encode("utf-8"))
`;

const PAGE = String.raw`def main():
    A = args()
    sdir = A["state"]
    if not rel_ok(sdir) or not all(c in "0123456789abcdef" for c in A["token"]):
        raise Bad("bad page")
    p = os.path.join(sdir, "page.%s.%d" % (A["token"], int(A["n"])))
    with open(p, "r", encoding="utf-8") as f:
        body = f.read()
    os.unlink(p)
    OUT.write(("CSP1\0" + body + "END\0").encode("utf-8"))
`;

const READ = String.raw`def read_into(fd, mv):
    if hasattr(os, "readv"):
        return os.readv(fd, [mv])
    b = os.read(fd, len(mv))
    mv[: len(b)] = b
    return len(b)


def main():
    import binascii

    # argv, not JSON: json would import re, which costs more than the read of a small batch
    root = root_abs(sys.argv[2])
    items = sys.argv[3:]
    # every range is read straight into one buffer, which is encoded once: no copy per file, no join
    buf = bytearray(sum(int(items[k + 2]) for k in range(0, len(items) - 2, 3)))
    view = memoryview(buf)
    at = 0
    heads = []
    seen = set()
    for k in range(0, len(items) - 2, 3):
        rel, off, ln = items[k], int(items[k + 1]), int(items[k + 2])
        try:
            if not check_parents(root, rel, False, seen):
                raise FileNotFoundError()
            # O_NONBLOCK: a file that became a fifo since the listing must not hang the read
            fd = os.open(os.path.join(root, rel), os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise Bad("not a regular file")
                if off:
                    os.lseek(fd, off, os.SEEK_SET)
                n = 0
                while n < ln:
                    got = read_into(fd, view[at + n : at + ln])
                    if not got:
                        break
                    n += got
            finally:
                os.close(fd)
            heads.append("o%d" % n)
            at += n
        except FileNotFoundError:
            heads.append("a")
        except (OSError, Bad) as e:
            heads.append("e" + str(getattr(e, "strerror", None) or e).encode("utf-8", "replace").hex())
    OUT.write(b"CSR2\0" + " ".join(heads).encode("ascii") + b"\0")
    OUT.write(binascii.b2a_base64(view[:at], newline=False))
    OUT.write(b"\0END\0")
`;

const COMMIT = String.raw`def new_mode(x):
    um = os.umask(0)
    os.umask(um)
    return (0o777 if x else 0o666) & ~um


def set_mode(tmp, ap, op):
    """A put with "km" (an editor's save) takes the mode, and where allowed the owner, of the file it replaces; else the umask's with the op's execute bit."""
    if op.get("km"):
        try:
            st = os.lstat(ap)
        except OSError:
            st = None
        if st is not None and stat.S_ISREG(st.st_mode):
            mine = os.lstat(tmp)
            if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
                try:
                    os.chown(tmp, st.st_uid, st.st_gid)
                except OSError:
                    try:
                        os.chown(tmp, -1, st.st_gid)
                    except OSError:
                        pass
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            return
    os.chmod(tmp, new_mode(op.get("x", False)))


def stat_of(path):
    st = os.lstat(path)
    return [st.st_size, st.st_mtime_ns // 1000000, "%o" % stat.S_IMODE(st.st_mode)]


VERSIONS = [None]
VPATHS = [{}]


def keep_version(vdir, why, path, ap, move):
    """The file at ap into the versions folder as vdir/why/path, before it is deleted (move) or replaced (a link, else a copy)."""
    dst = os.path.join(vdir, why, path)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    try:
        if move:
            os.rename(ap, dst)
        else:
            os.link(ap, dst)
        return
    except OSError as e:
        if move and e.errno != 18:  # EXDEV: another file system; copy below
            raise
    import shutil

    tmp = dst + TMP_MARK
    shutil.copyfile(ap, tmp, follow_symlinks=False)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, dst)
    if move:
        os.unlink(ap)


def prune_versions(keep):
    """Retention: files of batches older than the cutoff go, then the oldest until the rest fits; empty folders go."""
    top = keep["dir"]
    if not rel_ok(top) or not os.path.isdir(top):
        return
    files = []
    for d, dirs, names in os.walk(top):
        for n in names:
            p = os.path.join(d, n)
            try:
                files.append((os.path.relpath(p, top), os.lstat(p).st_size, p))
            except OSError:
                pass
    files.sort()
    total = sum(f[1] for f in files)
    for rel, size, p in files:
        if rel.split("/")[0] >= keep["cutoff"] and total <= keep["bytes"]:
            break
        try:
            os.unlink(p)
        except OSError:
            pass
        total -= size
    for d, dirs, names in os.walk(top, topdown=False):
        if d != top:
            try:
                os.rmdir(d)
            except OSError:
                pass


def keep_old(ap, path, why):
    """with a versions folder, what is at ap goes there before it is deleted or replaced; True when it was moved"""
    if VERSIONS[0] is None or not os.path.isfile(ap) or os.path.islink(ap):
        return False
    keep_version(VPATHS[0].get(path, VERSIONS[0]), why, path, ap, why == "deleted")
    return why == "deleted"


def main():
    import base64, json, shutil

    A = args()
    root = root_abs(A.get("root", ""))
    sdir = A["staging"]
    if not rel_ok(sdir):
        raise Bad("bad staging folder")
    VERSIONS[0] = A.get("versions")
    if VERSIONS[0] is not None and not rel_ok(VERSIONS[0]):
        raise Bad("bad versions folder")
    VPATHS[0] = A.get("vpaths") or {}
    if not isinstance(VPATHS[0], dict) or not all(isinstance(k, str) and rel_ok(v) for k, v in VPATHS[0].items()):
        raise Bad("bad versions folder")
    stream = os.path.join(sdir, "stream.bin")
    if A.get("mkroot"):
        os.makedirs(root, exist_ok=True)
    if not os.path.isdir(root) or os.path.islink(root):
        shutil.rmtree(sdir, ignore_errors=True)
        raise Bad("the target folder is missing or not a folder")
    try:
        with open(stream, "wb") as out:
            for i in range(int(A["parts"])):
                with open(os.path.join(sdir, "part.%d" % i), "rb") as f:
                    out.write(base64.b64decode(f.read(), validate=True))
        with open(stream, "rb") as s:
            s.seek(0, 2)
            total = s.tell()
            s.seek(total - 8)
            hlen = int.from_bytes(s.read(8), "big")
            s.seek(total - 8 - hlen)
            head = json.loads(s.read(hlen).decode("utf-8"))
            staged = stage_puts(sdir, s, head["ops"])
            results = [commit_op(root, s, op, staged.get(i)) for i, op in enumerate(head["ops"])]
    finally:
        shutil.rmtree(sdir, ignore_errors=True)
    if A.get("keep"):
        try:
            prune_versions(A["keep"])
        except OSError:
            pass
    OUT.write(("CSC1\0" + json.dumps(results) + "\0END\0").encode("utf-8"))


def stage_puts(sdir, s, ops):
    """Every file's bytes into its own staged file, verified; one sync makes them all durable."""
    import hashlib

    staged = {}
    for i, op in enumerate(ops):
        if op["op"] != "put":
            continue
        tmp = os.path.join(sdir, "f.%d" % i)
        h = hashlib.sha256()
        with open(tmp, "wb") as f:
            s.seek(op["off"])
            left = op["len"]
            while left > 0:
                b = s.read(min(left, 1 << 20))
                if not b:
                    break
                h.update(b)
                f.write(b)
                left -= len(b)
        staged[i] = (tmp, h.hexdigest() == op["sha"])
    if staged:
        os.sync()
    return staged


def expect_ok(path, expect):
    return expect == "any" or state_of(path) == expect


def tmp_beside(ap):
    d, name = os.path.split(ap)
    return os.path.join(d, "." + name[:100] + TMP_MARK + os.urandom(4).hex())


def commit_op(root, s, op, staged=None):
    k = op["op"]
    try:
        path = op["path"]
        check_parents(root, path, k in ("put", "mkdir", "mv", "copy"))
        ap = os.path.join(root, path)
        if k == "put" and staged:
            tmp, good = staged
            if not good:
                return ["hash", "the content arrived changed (sha256 mismatch)"]
            if not expect_ok(ap, op["expect"]):
                return ["cas", "it changed on the server since it was listed"]
            set_mode(tmp, ap, op)
            keep_old(ap, path, "replaced")
            try:
                os.replace(tmp, ap)
                return ["ok"] + stat_of(ap)
            except OSError as e:
                if e.errno != 18:  # EXDEV: the folder is on another file system; copy beside it below
                    raise
        if k == "put":
            import hashlib

            tmp = tmp_beside(ap)
            h = hashlib.sha256()
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as f:
                    s.seek(op["off"])
                    left = op["len"]
                    while left > 0:
                        b = s.read(min(left, 1 << 20))
                        if not b:
                            break
                        h.update(b)
                        f.write(b)
                        left -= len(b)
                    f.flush()
                    os.fsync(f.fileno())
                if h.hexdigest() != op["sha"]:
                    return ["hash", "the content arrived changed (sha256 mismatch)"]
                if not expect_ok(ap, op["expect"]):
                    return ["cas", "it changed on the server since it was listed"]
                set_mode(tmp, ap, op)
                keep_old(ap, path, "replaced")
                os.replace(tmp, ap)
                tmp = None
                return ["ok"] + stat_of(ap)
            finally:
                if tmp and os.path.exists(tmp):
                    os.unlink(tmp)
        if k == "mkdir":
            st = state_of(ap)
            if st == "absent":
                os.mkdir(ap)
            elif st != "dir":
                return ["cas", "something else is at this path on the server"]
            return ["ok"] + stat_of(ap)
        if k == "rm":
            st = state_of(ap)
            if st == "absent":
                return ["ok"]
            if st != op["expect"]:
                return ["cas", "it changed on the server since it was listed"]
            if not keep_old(ap, path, "deleted"):
                os.unlink(ap)
            return ["ok"]
        if k == "rmdir":
            if state_of(ap) == "absent":
                return ["ok"]
            try:
                os.rmdir(ap)
            except OSError:
                return ["cas", "the folder is not empty on the server"]
            return ["ok"]
        if k in ("mv", "copy"):
            src = op["from"]
            if not check_parents(root, src, False):
                return ["cas", "the source is gone on the server"]
            asrc = os.path.join(root, src)
            if not expect_ok(asrc, op["expect"]):
                return ["cas", "the source changed on the server since it was listed"]
            if state_of(ap) != "absent" and not (k == "mv" and os.path.samefile(asrc, ap)):
                return ["cas", "the target exists on the server"]
            if k == "mv":
                os.rename(asrc, ap)
            else:
                import shutil

                tmp = tmp_beside(ap)
                shutil.copyfile(asrc, tmp, follow_symlinks=False)
                shutil.copymode(asrc, tmp, follow_symlinks=False)
                os.replace(tmp, ap)
            return ["ok"] + stat_of(ap)
        return ["error", "unknown operation"]
    except Bad as e:
        return ["error", str(e)]
    except OSError as e:
        return ["error", e.strerror or str(e)]
`;

const CLEANUP = String.raw`def main():
    import shutil

    d = args()["dir"]
    if not rel_ok(d):
        raise Bad("bad folder")
    shutil.rmtree(d, ignore_errors=True)
    OUT.write(b"CSX1\0END\0")
`;

const MAIN = String.raw`
try:
    main()
except Bad as e:
    sys.stderr.write("refused: %s\n" % e)
    sys.exit(3)
`;

const MODES = { list: LIST, page: PAGE, read: READ, commit: COMMIT, cleanup: CLEANUP };
export type AgentMode = keyof typeof MODES;

/** The program for one mode: the shared helpers and that mode's main, nothing else to compile. */
export function agentProgram(mode: AgentMode): string {
  return `${COMMON}\n\n${MODES[mode]}${MAIN}`;
}
