/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Names for the drop reasons, generated from the same X-macro as the enum so
 * a new reason cannot appear without its counter name and help line.
 */
#include "pkt.h"
#include "weir_common.h"

static const char *const pkt_drop_names[PKT_DROP_COUNT] = { [PKT_OK] = "ok",
#define PKT_DROP_NAME(e, name, help) [PKT_DROP_##e] = name,
	PKT_DROPS(PKT_DROP_NAME)
#undef PKT_DROP_NAME
};

static const char *const pkt_drop_helps[PKT_DROP_COUNT] = {
	[PKT_OK] = "not a drop",
#define PKT_DROP_HELP(e, name, help) [PKT_DROP_##e] = help,
	PKT_DROPS(PKT_DROP_HELP)
#undef PKT_DROP_HELP
};

const char *
pkt_drop_name(enum pkt_drop d)
{
	return (unsigned int)d < PKT_DROP_COUNT ? pkt_drop_names[d] : "?";
}

const char *
pkt_drop_help(enum pkt_drop d)
{
	return (unsigned int)d < PKT_DROP_COUNT ? pkt_drop_helps[d] : "?";
}
