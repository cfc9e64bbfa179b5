#!/usr/bin/env bash
# test/package.sh: tradeflow as Debian and PGXN users get it, from a clean
# clone of this checkout's committed HEAD (uncommitted changes are not
# tested):
#
# - the versions agree (tradeflow.control, META.json, debian/changelog) and
#   META.json holds what the PGXN meta spec 1.0.0 requires;
# - debian/control is what "pg_buildext updatecontrol" makes of control.in;
# - the source package (the release archive as tradeflow_VERSION.orig.tar.gz
#   with debian/) and the binary package (dpkg-buildpackage -us -uc -b, in
#   the C locale; the build runs the regression tests per PostgreSQL version,
#   pg_buildext installcheck) build, and lintian has nothing to say beyond
#   debian/'s justified overrides (info and pedantic tags are shown);
# - the .deb, unpacked (dpkg-deb -x) into a private copy of the server
#   (tools/lib.sh, which leaves out any tradeflow the system has), passes
#   make installcheck, and the server runs the package's library;
# - make dist gives tradeflow-VERSION.zip with one top directory and none
#   of the development files; built from the unpacked archive with PGXS into
#   another private server, its installcheck passes.
#
# Nothing is installed into the system's PostgreSQL.  Prints TAP lines; the
# last line is "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. tools/lib.sh

show()	# show FILE: FILE's lines as TAP comments
{
	sed 's/^/# /' "$1"
}

tf_need_postgres &&
	tf_need_packages git dpkg-dev debhelper postgresql-all postgresql-server-dev-all lintian unzip python3 &&
	tf_tmpdir || { tf_tap 1 "the tools to build packages"; tf_tap_finish; }
chmod 755 "$TF_TMP"
clone=$TF_TMP/clone
git clone -q "$TF_REPO" "$clone" && cd "$clone" ||
	{ tf_tap 1 "a clean clone of $TF_REPO"; tf_tap_finish; }
echo "# testing $(git log -1 --format='%h %s')"

#
# Versions and metadata
#
version=$(make -s --no-print-directory --eval 'tf-version: ; @echo $(EXTVERSION)' tf-version PG_CONFIG="$TF_PG_CONFIG")
[ -n "$version" ] && grep -qx "default_version = '$version'" tradeflow.control
tf_tap $? "the Makefile reads version $version from tradeflow.control"
[ "$(dpkg-parsechangelog -S Version)" = "$version-1" ] && [ "$(dpkg-parsechangelog -S Source)" = tradeflow ]
tf_tap $? "debian/changelog: tradeflow $version-1"
python3 - "$version" > "$TF_TMP/meta.out" 2>&1 <<'EOF'
# META.json by the PGXN meta spec 1.0.0 (https://pgxn.org/spec/)
import json, re, sys
version = sys.argv[1]
semver = re.compile(r'^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+)?$')
term = re.compile(r'^[^\s/\\\x00-\x1f\x7f]{2,}$')
licenses = {'agpl_3', 'apache_1_1', 'apache_2_0', 'artistic_1', 'artistic_2', 'bsd', 'freebsd',
			'gfdl_1_2', 'gfdl_1_3', 'gpl_1', 'gpl_2', 'gpl_3', 'lgpl_2_1', 'lgpl_3_0', 'mit',
			'mozilla_1_0', 'mozilla_1_1', 'openssl', 'perl_5', 'postgresql', 'qpl_1_0', 'ssleay',
			'sun', 'zlib', 'open_source', 'restricted', 'unrestricted', 'unknown'}
errors = []
meta = json.load(open('META.json'))
for key in ('name', 'version', 'abstract', 'maintainer', 'license', 'provides', 'meta-spec'):
	if key not in meta:
		errors.append('no mandatory field %s' % key)
if not term.match(meta.get('name', '')):
	errors.append('name is not a term')
if not semver.match(meta.get('version', '')):
	errors.append('version is not a semantic version')
if not isinstance(meta.get('abstract'), str) or not meta['abstract']:
	errors.append('abstract is not a string')
m = meta.get('maintainer')
if not (isinstance(m, str) and m) and not (isinstance(m, list) and m and all(isinstance(x, str) and x for x in m)):
	errors.append('maintainer is not a string or a list of strings')
if meta.get('license') not in licenses:
	errors.append('license is not a known license string')
if meta.get('meta-spec', {}).get('version') != '1.0.0':
	errors.append('meta-spec version is not 1.0.0')
for ext, p in meta.get('provides', {}).items():
	if not term.match(ext) or not p.get('file') or not semver.match(p.get('version', '')):
		errors.append('provides.%s needs a term name, a file and a semantic version' % ext)
	elif not __import__('os').path.exists(p['file']) or not __import__('os').path.exists(p.get('docfile', p['file'])):
		errors.append('provides.%s names a file the distribution does not have' % ext)
if meta.get('release_status', 'stable') not in ('stable', 'testing', 'unstable'):
	errors.append('release_status is not stable, testing or unstable')
if not all(isinstance(t, str) and re.match(r'^[^/\\\x00-\x1f\x7f]{1,255}$', t) for t in meta.get('tags', [])):
	errors.append('a tag is not a string of 1 to 255 characters without slashes')
known = {'name', 'version', 'abstract', 'maintainer', 'license', 'provides', 'meta-spec', 'description',
		 'generated_by', 'no_index', 'prereqs', 'release_status', 'resources', 'tags'}
errors += ['unknown field %s (custom fields start with X_ or x_)' % k for k in meta
		   if k not in known and not k.lower().startswith('x_')]
# the distribution's version is the extension's, as a semantic version
semantic = version if version.count('.') == 2 else version + '.0'
if meta.get('version') != semantic or meta.get('provides', {}).get('tradeflow', {}).get('version') != semantic:
	errors.append('META.json does not give version %s (tradeflow.control: %s)' % (semantic, version))
print('\n'.join(errors))
sys.exit(1 if errors else 0)
EOF
tf_tap $? "META.json: what the PGXN meta spec 1.0.0 requires, version $version"
show "$TF_TMP/meta.out"
pg_buildext checkcontrol > "$TF_TMP/checkcontrol.out" 2>&1 && git diff --quiet -- debian/control
tf_tap $? "debian/control is what pg_buildext updatecontrol makes of debian/control.in"
show "$TF_TMP/checkcontrol.out"

#
# The release archive (make dist)
#
make -s dist PG_CONFIG="$TF_PG_CONFIG" > "$TF_TMP/dist.out" 2>&1 && [ -f "tradeflow-$version.zip" ]
tf_tap $? "make dist: tradeflow-$version.zip"
show "$TF_TMP/dist.out"
unzip -Z1 "tradeflow-$version.zip" > "$TF_TMP/dist.files" 2>/dev/null
echo "# $(grep -vc '/$' "$TF_TMP/dist.files") files, $(stat -c %s "tradeflow-$version.zip") bytes"
! grep -qv "^tradeflow-$version/" "$TF_TMP/dist.files" && [ -s "$TF_TMP/dist.files" ]
tf_tap $? "the archive has one top directory, tradeflow-$version/"
grep -E "^tradeflow-$version/(\.|debian/|data/|demo/|bench/|tools/|test/[^f]|test/fixtures/(setup|real_data|generated))" \
	"$TF_TMP/dist.files" > "$TF_TMP/dist.extra"
[ ! -s "$TF_TMP/dist.extra" ]
tf_tap $? "the archive leaves out CI, Debian packaging, data, demo, benchmark, tools and the development suites"
show "$TF_TMP/dist.extra"
for f in META.json LICENSE README.md CHANGELOG.md Makefile tradeflow.control; do
	grep -qx "tradeflow-$version/$f" "$TF_TMP/dist.files" || echo "$f" >> "$TF_TMP/dist.missing"
done
[ ! -s "$TF_TMP/dist.missing" ]
tf_tap $? "the archive has META.json, LICENSE, README.md, CHANGELOG.md, the Makefile and the control file"
[ -f "$TF_TMP/dist.missing" ] && show "$TF_TMP/dist.missing"

#
# The Debian source package: the release archive as the orig tarball
#
deb=$TF_TMP/deb
mkdir -p "$deb" &&
	make -s "tradeflow-$version.tar.gz" PG_CONFIG="$TF_PG_CONFIG" 2>/dev/null &&
	mv "tradeflow-$version.tar.gz" "$deb/tradeflow_$version.orig.tar.gz" &&
	tar -C "$deb" -xzf "$deb/tradeflow_$version.orig.tar.gz" &&
	cp -a debian "$deb/tradeflow-$version/" &&
	(cd "$deb" && dpkg-source -b "tradeflow-$version") > "$TF_TMP/source.out" 2>&1
tf_tap $? "dpkg-source builds the source package tradeflow_$version-1.dsc from the release archive"
[ -f "$deb/tradeflow_$version-1.dsc" ] || show "$TF_TMP/source.out"

#
# The binary package, from the clone, as the README says
#
start=$SECONDS
LC_ALL=C dpkg-buildpackage -us -uc -b > "$TF_TMP/build.out" 2>&1
tf_tap $? "dpkg-buildpackage -us -uc -b (in the C locale) builds postgresql-$TF_PG_MAJOR-tradeflow, in $((SECONDS - start)) s"
package=$(ls ../postgresql-"$TF_PG_MAJOR"-tradeflow_"$version"-1_*.deb 2>/dev/null | head -n 1)
[ -f "$package" ] || { tail -n 40 "$TF_TMP/build.out" | show /dev/stdin; tf_tap_finish; }
grep -q "All [0-9]* tests passed" "$TF_TMP/build.out" && grep -q "### End $TF_PG_MAJOR installcheck ###" "$TF_TMP/build.out"
tf_tap $? "the build ran the regression tests against the package's files (pg_buildext installcheck)"
mv ../*.deb ../*.changes ../*.buildinfo "$deb/" && package=$deb/$(basename "$package")

dpkg-deb -c "$package" | awk '{print $6}' | sed 's|^\./|/|' > "$TF_TMP/deb.files"
for f in "$TF_PG_PKGLIBDIR/tradeflow.so" "$TF_PG_SHAREDIR/extension/tradeflow.control" \
		$(sed -n 's/^DATA = //p' Makefile | tr ' ' '\n' | sed "s|^|$TF_PG_SHAREDIR/extension/|") \
		"/usr/share/doc/postgresql-$TF_PG_MAJOR-tradeflow/copyright"; do
	grep -qx "$f" "$TF_TMP/deb.files" || echo "# the package has no $f"
done > "$TF_TMP/deb.missing"
[ ! -s "$TF_TMP/deb.missing" ] && dpkg-deb -f "$package" Depends | grep -q "postgresql-$TF_PG_MAJOR"
tf_tap $? "the package holds the library, the control file, the install scripts and the copyright, and depends on postgresql-$TF_PG_MAJOR"
cat "$TF_TMP/deb.missing"

# lintian reads, as the servers' user (it warns when run as root)
tf_server_owns "$deb"
# (overridden tags, O:, are shown; they would count for --fail-on)
tf_as_server lintian --fail-on none -I --pedantic --show-overrides "$deb"/*.changes "$deb/tradeflow_$version-1.dsc" \
	> "$TF_TMP/lintian.out" 2>&1 && ! grep -qE '^[EW]:' "$TF_TMP/lintian.out"
tf_tap $? "lintian: no error or warning for the source and binary packages (debian/ overrides each justified)"
show "$TF_TMP/lintian.out"

#
# The package unpacked into a private server
#
tf_tree_create "$TF_TMP/tree" || { tf_tap 1 "a private tree"; tf_tap_finish; }
! ls "$TF_TREE$TF_PG_PKGLIBDIR"/tradeflow* "$TF_TREE$TF_PG_SHAREDIR"/extension/tradeflow* > /dev/null 2>&1
tf_tap $? "the private tree has no tradeflow before the package is unpacked into it"
dpkg-deb -x "$package" "$TF_TREE" &&
	dpkg-deb --ctrl-tarfile "$package" | tar -xOf - ./md5sums | (cd "$TF_TREE" && md5sum --quiet -c -)
tf_tap $? "dpkg-deb -x: the tree has the package's files, their checksums as the package lists them"

tf_cluster_start package && tf_cluster_use package || { tf_tap 1 "a cluster of the tree"; tf_tap_finish; }
make -s installcheck PG_CONFIG="$TF_PG_CONFIG" > "$TF_TMP/installcheck.out" 2>&1
tf_tap $? "make installcheck against the installed package"
show "$TF_TMP/installcheck.out"
[ -s regression.diffs ] && head -n 60 regression.diffs | show /dev/stdin

# the library the server runs is the package's, never the system's
loaded=$(psql -X -q -At -v ON_ERROR_STOP=1 -c "CREATE EXTENSION tradeflow" \
	-c "SELECT extversion FROM pg_extension WHERE extname = 'tradeflow'" \
	-c "SELECT pct_change(1::numeric, 2::numeric)" \
	-c "SELECT regexp_replace(m, '^.* ', '') FROM regexp_split_to_table(pg_read_file('/proc/self/maps'), E'\n') AS m
		WHERE m LIKE '%/tradeflow.so' LIMIT 1" 2>&1)
echo "$loaded" | show /dev/stdin
[ "$(echo "$loaded" | sed -n 1p)" = "$version" ] &&
	[ "$(echo "$loaded" | sed -n 3p)" = "$TF_TREE$TF_PG_PKGLIBDIR/tradeflow.so" ] &&
	cmp -s "$TF_TREE$TF_PG_PKGLIBDIR/tradeflow.so" <(dpkg-deb --fsys-tarfile "$package" | tar -xOf - ".$TF_PG_PKGLIBDIR/tradeflow.so")
tf_tap $? "the server runs tradeflow $version from the package's tradeflow.so in the tree"
if [ -f "$TF_PG_PKGLIBDIR/tradeflow.so" ]; then
	echo "# the system's $TF_PG_PKGLIBDIR/tradeflow.so (not used): $(md5sum < "$TF_PG_PKGLIBDIR/tradeflow.so" | cut -c1-12)," \
		"the package's: $(md5sum < "$TF_TREE$TF_PG_PKGLIBDIR/tradeflow.so" | cut -c1-12)"
fi
tf_cluster_stop package

#
# The release archive, built with PGXS into another private server
#
mkdir -p "$TF_TMP/dist" && unzip -q "tradeflow-$version.zip" -d "$TF_TMP/dist" &&
	tf_tree_create "$TF_TMP/tree-dist" &&
	tf_tree_install -s "$TF_TMP/dist/tradeflow-$version" > "$TF_TMP/dist-build.out" 2>&1
tf_tap $? "the unpacked archive builds and installs with PGXS (make, make install)"
show "$TF_TMP/dist-build.out"
tf_cluster_start dist && tf_cluster_use dist || { tf_tap 1 "a cluster of the archive's tree"; tf_tap_finish; }
make -s -C "$TF_TMP/dist/tradeflow-$version" installcheck PG_CONFIG="$TF_PG_CONFIG" > "$TF_TMP/dist-check.out" 2>&1
tf_tap $? "make installcheck in the unpacked archive"
show "$TF_TMP/dist-check.out"
[ -s "$TF_TMP/dist/tradeflow-$version/regression.diffs" ] &&
	head -n 60 "$TF_TMP/dist/tradeflow-$version/regression.diffs" | show /dev/stdin

tf_tap_finish
