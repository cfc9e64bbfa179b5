# tradeflow/Makefile

MODULE_big = tradeflow
OBJS = \
	src/tradeflow.o \
	src/value.o \
	src/decimal.o \
	src/total.o \
	src/state_io.o \
	src/partner_table.o \
	src/partition_scan.o \
	src/pct_change.o \
	src/trade_share.o \
	src/rank_partner.o \
	src/trade_profile.o

EXTENSION = tradeflow
# the version is written once, in the control file
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'$$/\1/p" $(EXTENSION).control)
DATA = tradeflow--0.1.sql tradeflow--0.1--0.2.sql
PGFILEDESC = "tradeflow - changes, shares and ranks for customs tables"

# every sql/*.sql is a regression test (their helpers live in test/fixtures/);
# the test database is UTF8 whatever the cluster's default (a C-locale
# cluster's is SQL_ASCII, where partners' encoding checks and ICU collations
# do not apply)
REGRESS = $(sort $(basename $(notdir $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=. --outputdir=. --encoding=UTF8

PG_CPPFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(OBJS): $(wildcard src/*.h)

# The release archive, as PGXN takes it: tradeflow-VERSION.zip with one top
# directory tradeflow-VERSION/, made by git archive from the committed HEAD
# (what .gitattributes marks export-ignore is left out); any other format
# git archive knows by name (make tradeflow-0.2.tar.gz) for the same files
DISTNAME = $(EXTENSION)-$(EXTVERSION)
dist: $(DISTNAME).zip
$(DISTNAME).zip $(DISTNAME).tar.gz:
	@git diff --quiet HEAD -- || echo "$@: uncommitted changes are not in the archive" >&2
	git archive --format=$(patsubst $(DISTNAME).%,%,$@) --prefix=$(DISTNAME)/ -o $@ HEAD
.PHONY: dist $(DISTNAME).zip $(DISTNAME).tar.gz
EXTRA_CLEAN = $(DISTNAME).zip $(DISTNAME).tar.gz
