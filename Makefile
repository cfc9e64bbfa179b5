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
