# Unit tests (cmocka) of the NIC side.
UNIT_TESTS = \
	tests/unit/test-fp-afpacket \
	tests/unit/test-fp-action \
	tests/unit/test-fp-diff \
	tests/unit/test-fp-dpdk-pmd \
	tests/unit/test-fp-dpdk-pmd-diff \
	tests/unit/test-fp-hotplug \
	tests/unit/test-fp-link \
	tests/unit/test-fp-evb \
	tests/unit/test-fp-meter \
	tests/unit/test-fp-model \
	tests/unit/test-fp-model-batch \
	tests/unit/test-fp-model-emc \
	tests/unit/test-fp-model-packet \
	tests/unit/test-fp-model-port \
	tests/unit/test-fp-model-rcu \
	tests/unit/test-fp-parse \
	tests/unit/test-fp-recirc \
	tests/unit/test-fp-rtnl \
	tests/unit/test-fp-rte-flow \
	tests/unit/test-fp-rte-flow-action \
	tests/unit/test-fp-rte-flow-diff \
	tests/unit/test-fp-rte-flow-dev \
	tests/unit/test-fp-sched \
	tests/unit/test-fp-police \
	tests/unit/test-fp-vf \
	tests/unit/test-fp-slab \
	tests/unit/test-fp-table \
	tests/unit/test-netdev-offload-fp \
	tests/unit/test-netdev-offload-fp-record \
	tests/unit/test-netdev-offload-fp-translate
check_PROGRAMS += $(UNIT_TESTS)
UNIT_TEST_LDADD = lib/libfp.la $(OVS_LIBOPENVSWITCH) $(OVS_LINK_LIBS) \
	$(CMOCKA_LIBS)
UNIT_TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_fp_hotplug_SOURCES = tests/unit/test-fp-hotplug.c
tests_unit_test_fp_hotplug_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_hotplug_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_afpacket_SOURCES = tests/unit/test-fp-afpacket.c
tests_unit_test_fp_afpacket_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_afpacket_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_link_SOURCES = tests/unit/test-fp-link.c
tests_unit_test_fp_link_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_link_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_action_SOURCES = tests/unit/test-fp-action.c \
	tests/unit/fp-test-packet.h
tests_unit_test_fp_action_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_action_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_diff_SOURCES = tests/unit/test-fp-diff.c \
	tests/unit/fp-test-packet.h
tests_unit_test_fp_diff_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_diff_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_dpdk_pmd_SOURCES = tests/unit/test-fp-dpdk-pmd.c
tests_unit_test_fp_dpdk_pmd_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_dpdk_pmd_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_dpdk_pmd_CPPFLAGS = $(AM_CPPFLAGS) -I$(DPDK_SDK_DIR)
tests_unit_test_fp_dpdk_pmd_diff_SOURCES = tests/unit/test-fp-dpdk-pmd-diff.c \
	tests/unit/fp-rte-flow-diff.h
tests_unit_test_fp_dpdk_pmd_diff_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_dpdk_pmd_diff_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_dpdk_pmd_diff_CPPFLAGS = $(AM_CPPFLAGS) -I$(DPDK_SDK_DIR)
tests_unit_test_fp_evb_SOURCES = tests/unit/test-fp-evb.c
tests_unit_test_fp_evb_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_evb_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_meter_SOURCES = tests/unit/test-fp-meter.c
tests_unit_test_fp_meter_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_meter_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_model_SOURCES = tests/unit/test-fp-model.c \
	tests/unit/fp-test-model.h
tests_unit_test_fp_model_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_model_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_model_batch_SOURCES = tests/unit/test-fp-model-batch.c \
	tests/unit/fp-test-holder.h
tests_unit_test_fp_model_batch_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_model_batch_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_model_emc_SOURCES = tests/unit/test-fp-model-emc.c \
	tests/unit/fp-test-model.h
tests_unit_test_fp_model_emc_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_model_emc_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_model_packet_SOURCES = tests/unit/test-fp-model-packet.c \
	tests/unit/fp-test-model.h
tests_unit_test_fp_model_packet_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_model_packet_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_model_port_SOURCES = tests/unit/test-fp-model-port.c \
	tests/unit/fp-test-model.h
tests_unit_test_fp_model_port_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_model_port_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_model_rcu_SOURCES = tests/unit/test-fp-model-rcu.c
tests_unit_test_fp_model_rcu_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_model_rcu_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_parse_SOURCES = tests/unit/test-fp-parse.c
tests_unit_test_fp_parse_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_parse_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_recirc_SOURCES = tests/unit/test-fp-recirc.c \
	tests/unit/fp-test-packet.h
tests_unit_test_fp_recirc_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_recirc_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_rtnl_SOURCES = tests/unit/test-fp-rtnl.c
tests_unit_test_fp_rtnl_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_rtnl_CFLAGS = $(UNIT_TEST_CFLAGS)
# Drives lib/fp-rtnl.c for tests/system-fp-guest.at.
noinst_PROGRAMS += tests/fp-rtnl-tool
tests_fp_rtnl_tool_SOURCES = tests/fp-rtnl-tool.c
tests_fp_rtnl_tool_LDADD = lib/libfp.la $(OVS_LIBOPENVSWITCH) $(OVS_LINK_LIBS)
tests_unit_test_fp_rte_flow_SOURCES = tests/unit/test-fp-rte-flow.c \
	tests/unit/fp-rte-flow-test.h
tests_unit_test_fp_rte_flow_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_rte_flow_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_rte_flow_action_SOURCES = \
	tests/unit/test-fp-rte-flow-action.c tests/unit/fp-rte-flow-test.h
tests_unit_test_fp_rte_flow_action_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_rte_flow_action_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_rte_flow_diff_SOURCES = tests/unit/test-fp-rte-flow-diff.c \
	tests/unit/fp-rte-flow-diff.h
tests_unit_test_fp_rte_flow_diff_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_rte_flow_diff_CFLAGS = $(UNIT_TEST_CFLAGS)
# With a real EAL (no hugepages): DPDK's net_null vdev, and net_fp.
# With the OVS side for the fp netdev, as test-netdev-offload-fp.
tests_unit_test_fp_rte_flow_dev_SOURCES = tests/unit/test-fp-rte-flow-dev.c \
	$(OFPROTO_OFFLOAD_SOURCES)
tests_unit_test_fp_rte_flow_dev_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(OVS_SRCDIR) -I$(OVS_BUILDDIR) -I$(top_srcdir)/ofproto-offload
tests_unit_test_fp_rte_flow_dev_LDADD = $(UNIT_TEST_LDADD) -lrte_bus_vdev
tests_unit_test_fp_rte_flow_dev_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_rte_flow_dev_LDFLAGS = $(OVS_VSWITCHD_LDFLAGS) \
	$(OFPROTO_OFFLOAD_WRAPS)
tests_unit_test_fp_sched_SOURCES = tests/unit/test-fp-sched.c
tests_unit_test_fp_sched_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_sched_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_police_SOURCES = tests/unit/test-fp-police.c
tests_unit_test_fp_police_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_police_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_vf_SOURCES = tests/unit/test-fp-vf.c
tests_unit_test_fp_vf_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_vf_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_slab_SOURCES = tests/unit/test-fp-slab.c
tests_unit_test_fp_slab_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_slab_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_table_SOURCES = tests/unit/test-fp-table.c
tests_unit_test_fp_table_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_fp_table_CFLAGS = $(UNIT_TEST_CFLAGS)
# Our flow API, linked with the OVS side as ovs-vswitchd has it.
tests_unit_test_netdev_offload_fp_SOURCES = \
	tests/unit/test-netdev-offload-fp.c \
	tests/unit/fp-test-holder.h \
	tests/unit/fp-test-netdev.h \
	$(OFPROTO_OFFLOAD_SOURCES)
tests_unit_test_netdev_offload_fp_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(OVS_SRCDIR) -I$(OVS_BUILDDIR) -I$(top_srcdir)/ofproto-offload
tests_unit_test_netdev_offload_fp_LDADD = $(UNIT_TEST_LDADD)
tests_unit_test_netdev_offload_fp_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_netdev_offload_fp_LDFLAGS = $(OVS_VSWITCHD_LDFLAGS) \
	$(OFPROTO_OFFLOAD_WRAPS)
# Its flow records, with the same setup; the OVS side from
# tests/libfp-ovs.la (below), which test-fp-churn links too.
tests_unit_test_netdev_offload_fp_record_SOURCES = \
	tests/unit/test-netdev-offload-fp-record.c \
	tests/unit/fp-test-netdev.h
tests_unit_test_netdev_offload_fp_record_CPPFLAGS = \
	$(tests_unit_test_netdev_offload_fp_CPPFLAGS)
tests_unit_test_netdev_offload_fp_record_LDADD = tests/libfp-ovs.la \
	$(UNIT_TEST_LDADD)
tests_unit_test_netdev_offload_fp_record_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_netdev_offload_fp_record_LDFLAGS = \
	$(tests_unit_test_netdev_offload_fp_LDFLAGS)
# Its translation of a megaflow's match, with the same setup.
tests_unit_test_netdev_offload_fp_translate_SOURCES = \
	tests/unit/test-netdev-offload-fp-translate.c \
	tests/unit/fp-test-netdev.h
tests_unit_test_netdev_offload_fp_translate_CPPFLAGS = \
	$(tests_unit_test_netdev_offload_fp_CPPFLAGS)
tests_unit_test_netdev_offload_fp_translate_LDADD = tests/libfp-ovs.la \
	$(UNIT_TEST_LDADD)
tests_unit_test_netdev_offload_fp_translate_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_netdev_offload_fp_translate_LDFLAGS = \
	$(tests_unit_test_netdev_offload_fp_LDFLAGS)

# The autotest suite against our real ovs-vswitchd.  OVS's own macro files
# (tests/ovs-macros.at, tests/ofproto-macros.at, ...) are included straight
# from the pinned OVS source tree, unchanged.
TESTSUITE_AT = \
	tests/testsuite.at \
	tests/fp-macros.at \
	tests/fp-ports.at \
	tests/fp-offload.at \
	tests/fp-device.at \
	tests/fp-translate.at \
	tests/fp-verdicts.at \
	tests/fp-metadata.at \
	tests/fp-meters.at \
	tests/fp-qos.at \
	tests/fp-vf.at \
	tests/fp-qos-police.at \
	tests/fp-qos-meter.at \
	tests/fp-operator.at \
	tests/fp-ovs-patches.at \
	tests/fp-locking.at \
	tests/fp-partial.at \
	tests/fp-reasons.at \
	tests/fp-documented.at \
	tests/fp-diff.at \
	tests/fp-trace.at \
	tests/fp-hotplug.at \
	tests/fp-evb.at \
	tests/fp-recirc.at \
	tests/fp-recirc-diff.at \
	tests/fp-dpdk-macros.at \
	tests/fp-dpdk.at \
	tests/fp-dpdk-flowapi.at \
	tests/fp-dpdk-diff.at \
	tests/fp-bench.at
EXTRA_DIST += $(TESTSUITE_AT) tests/atlocal.in tests/run-tests.sh \
	tests/fp-diff-gen.py
TESTSUITE = $(builddir)/tests/testsuite

# The system tests: real traffic between network namespaces through the
# model NIC.  They need root; run-tests.sh counts them as skipped without.
SYSTEM_TESTSUITE_AT = \
	tests/system-testsuite.at \
	tests/fp-macros.at \
	tests/system-fp-traffic.at \
	tests/system-fp-guest.at \
	tests/system-fp-sandbox.at \
	tests/system-fp-endpoint.at \
	tests/system-fp-qos.at \
	tests/system-fp-migrate.at \
	tests/system-fp-evb.at \
	tests/system-fp-lb.at
EXTRA_DIST += $(SYSTEM_TESTSUITE_AT)
SYSTEM_TESTSUITE = $(builddir)/tests/system-testsuite
AUTOTEST = $(AUTOM4TE) -l autotest -I '$(builddir)/tests' -I '$(srcdir)' \
	-I '$(OVS_SRCDIR)'
AUTOTEST_PATH = $(abs_builddir)/ofproto-offload:$(OVS_BUILDDIR)/utilities:$(OVS_BUILDDIR)/ovsdb
CLEANFILES += $(TESTSUITE) $(SYSTEM_TESTSUITE) tests/package.m4

$(TESTSUITE): tests/package.m4 $(TESTSUITE_AT)
	$(AM_V_GEN)$(AUTOTEST) -o $@.tmp $(srcdir)/tests/testsuite.at && \
	mv $@.tmp $@

$(SYSTEM_TESTSUITE): tests/package.m4 $(SYSTEM_TESTSUITE_AT)
	$(AM_V_GEN)$(AUTOTEST) -o $@.tmp $(srcdir)/tests/system-testsuite.at \
	  && mv $@.tmp $@

tests/package.m4: $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(MKDIR_P) tests && { \
	  echo '# Signature of the current package.'; \
	  echo 'm4_define([AT_PACKAGE_NAME],      [$(PACKAGE_NAME)])'; \
	  echo 'm4_define([AT_PACKAGE_TARNAME],   [$(PACKAGE_TARNAME)])'; \
	  echo 'm4_define([AT_PACKAGE_VERSION],   [$(PACKAGE_VERSION)])'; \
	  echo 'm4_define([AT_PACKAGE_STRING],    [$(PACKAGE_STRING)])'; \
	  echo 'm4_define([AT_PACKAGE_BUGREPORT], [$(PACKAGE_BUGREPORT)])'; \
	} > $@

# "make check" runs every suite and ends with one summary line over all of
# them: "N passed, N failed[, N skipped]".  "make check CHECK_SYSTEM=no"
# leaves out the system tests (the sanitized build does).
CHECK_SYSTEM = yes
check-local: $(TESTSUITE) $(SYSTEM_TESTSUITE) $(sbin_PROGRAMS)
	$(SHELL) '$(srcdir)/tests/run-tests.sh' \
	  --testsuite '$(TESTSUITE)' \
	  $(if $(filter yes,$(CHECK_SYSTEM)), \
	    --system-testsuite '$(SYSTEM_TESTSUITE)') \
	  --autotest-path '$(AUTOTEST_PATH)' \
	  --fuzz-corpus '$(srcdir)/tests/fuzz/corpus' \
	  $(addprefix --fuzz ,$(FUZZ_TARGETS)) \
	  $(UNIT_TESTS) -- $(TESTSUITEFLAGS)

# Only the system tests, as root, with the same summary line.
check-system: $(SYSTEM_TESTSUITE) $(sbin_PROGRAMS)
	$(SHELL) '$(srcdir)/tests/run-tests.sh' \
	  --system-testsuite '$(SYSTEM_TESTSUITE)' \
	  --autotest-path '$(AUTOTEST_PATH)' -- $(TESTSUITEFLAGS)

clean-local:
	test ! -f '$(TESTSUITE)' || $(SHELL) '$(TESTSUITE)' -C tests --clean
	test ! -f '$(SYSTEM_TESTSUITE)' \
	  || $(SHELL) '$(SYSTEM_TESTSUITE)' -C tests --clean

# The OVS side as a library, for the programs that drive it without
# ovs-vswitchd: the flow add/delete churn test and the fuzz targets of
# tests/fuzz/.  They link it with $(OFPROTO_OFFLOAD_WRAPS).
check_LTLIBRARIES = tests/libfp-ovs.la
tests_libfp_ovs_la_SOURCES = $(OFPROTO_OFFLOAD_SOURCES)
tests_libfp_ovs_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(OVS_SRCDIR) \
	-I$(OVS_BUILDDIR)

# 100,000 flows through the flow API and 100,000 rules through the model,
# under LeakSanitizer in the sanitized build.
UNIT_TESTS += tests/unit/test-fp-churn
tests_unit_test_fp_churn_SOURCES = tests/unit/test-fp-churn.c \
	tests/fuzz/fuzz-ovs.c tests/fuzz/fuzz-ovs.h
tests_unit_test_fp_churn_CPPFLAGS = $(AM_CPPFLAGS) -I$(OVS_SRCDIR) \
	-I$(OVS_BUILDDIR) -I$(top_srcdir)/ofproto-offload
tests_unit_test_fp_churn_CFLAGS = $(UNIT_TEST_CFLAGS)
tests_unit_test_fp_churn_LDADD = tests/libfp-ovs.la $(UNIT_TEST_LDADD)
tests_unit_test_fp_churn_LDFLAGS = $(OVS_VSWITCHD_LDFLAGS) \
	$(OFPROTO_OFFLOAD_WRAPS)
