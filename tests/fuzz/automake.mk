# Fuzz targets (libFuzzer's LLVMFuzzerTestOneInput()), one per input that
# comes from outside: see tests/fuzz/README.rst.  Every build links them
# with fuzz-replay.c, and "make check" replays each one's kept corpus,
# tests/fuzz/corpus/<target>/, as one test; a build configured with
# --enable-fuzz (utilities/ovs-offload-setup --fuzz, in _build-fuzz) links
# them with libFuzzer instead, to fuzz.
FUZZ_TARGETS = \
	tests/fuzz/fuzz-fp-parse \
	tests/fuzz/fuzz-fp-action \
	tests/fuzz/fuzz-odp-translate \
	tests/fuzz/fuzz-options \
	tests/fuzz/fuzz-unixctl
check_PROGRAMS += $(FUZZ_TARGETS)
fuzz-targets: $(FUZZ_TARGETS)
.PHONY: fuzz-targets
EXTRA_DIST += tests/fuzz/README.rst tests/fuzz/corpus

if FP_FUZZ
FUZZ_MAIN =
FUZZ_LINK_FLAGS = -fsanitize=fuzzer
else
FUZZ_MAIN = tests/fuzz/fuzz-replay.c
FUZZ_LINK_FLAGS =
endif

# The targets of the OVS side link it as ovs-vswitchd does (tests/libfp-ovs.la
# in tests/automake.mk).
FUZZ_NIC_LDADD = lib/libfp.la $(OVS_LIBOPENVSWITCH) $(OVS_LINK_LIBS)
FUZZ_OVS_LDADD = tests/libfp-ovs.la $(FUZZ_NIC_LDADD)
FUZZ_OVS_CPPFLAGS = $(AM_CPPFLAGS) -I$(OVS_SRCDIR) -I$(OVS_BUILDDIR) \
	-I$(top_srcdir)/ofproto-offload
FUZZ_OVS_LINK_FLAGS = $(FUZZ_LINK_FLAGS) $(OVS_VSWITCHD_LDFLAGS) \
	$(OFPROTO_OFFLOAD_WRAPS)

tests_fuzz_fuzz_fp_parse_SOURCES = tests/fuzz/fuzz-fp-parse.c $(FUZZ_MAIN)
tests_fuzz_fuzz_fp_parse_LDADD = $(FUZZ_NIC_LDADD)
tests_fuzz_fuzz_fp_parse_LDFLAGS = $(FUZZ_LINK_FLAGS)

tests_fuzz_fuzz_fp_action_SOURCES = tests/fuzz/fuzz-fp-action.c $(FUZZ_MAIN)
tests_fuzz_fuzz_fp_action_LDADD = $(FUZZ_NIC_LDADD)
tests_fuzz_fuzz_fp_action_LDFLAGS = $(FUZZ_LINK_FLAGS)

tests_fuzz_fuzz_odp_translate_SOURCES = tests/fuzz/fuzz-odp-translate.c \
	tests/fuzz/fuzz-ovs.c tests/fuzz/fuzz-ovs.h $(FUZZ_MAIN)
tests_fuzz_fuzz_odp_translate_CPPFLAGS = $(FUZZ_OVS_CPPFLAGS)
tests_fuzz_fuzz_odp_translate_LDADD = $(FUZZ_OVS_LDADD)
tests_fuzz_fuzz_odp_translate_LDFLAGS = $(FUZZ_OVS_LINK_FLAGS)

tests_fuzz_fuzz_options_SOURCES = tests/fuzz/fuzz-options.c \
	tests/fuzz/fuzz-ovs.c tests/fuzz/fuzz-ovs.h $(FUZZ_MAIN)
tests_fuzz_fuzz_options_CPPFLAGS = $(FUZZ_OVS_CPPFLAGS)
tests_fuzz_fuzz_options_LDADD = $(FUZZ_OVS_LDADD)
tests_fuzz_fuzz_options_LDFLAGS = $(FUZZ_OVS_LINK_FLAGS)

tests_fuzz_fuzz_unixctl_SOURCES = tests/fuzz/fuzz-unixctl.c \
	tests/fuzz/fuzz-ovs.c tests/fuzz/fuzz-ovs.h $(FUZZ_MAIN)
tests_fuzz_fuzz_unixctl_CPPFLAGS = $(FUZZ_OVS_CPPFLAGS)
tests_fuzz_fuzz_unixctl_LDADD = $(FUZZ_OVS_LDADD)
tests_fuzz_fuzz_unixctl_LDFLAGS = $(FUZZ_OVS_LINK_FLAGS)
