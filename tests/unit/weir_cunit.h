/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared main() body for the unit test executables: run the given suites
 * with the basic interface and turn failures into the exit status meson
 * reads. A suite that fails to register counts as a failure, never a skip.
 */
#ifndef WEIR_CUNIT_H
#define WEIR_CUNIT_H

#include <stdio.h>
#include <CUnit/Basic.h>

static inline int
weir_cunit_run(CU_SuiteInfo *suites)
{
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	if (CU_register_suites(suites) != CUE_SUCCESS) {
		fprintf(stderr, "suite registration: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() +
		CU_get_number_of_suites_failed() +
		CU_get_number_of_tests_failed();
	if (CU_get_number_of_tests_run() == 0)
		failed++;
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

#endif /* WEIR_CUNIT_H */
