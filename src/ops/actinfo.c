/*
 * actinfo.c - the vocabulary of actions (actions.h): MS-FSCC information
 * class names, SMB1 information levels mapped to them, dispositions,
 * access masks in words, statuses and FSCTLs by name.
 */
#include <stdio.h>

#include "actions.h"
#include "field.h"
#include "fieldvals.h"

/* MS-FSCC 2.4 file information classes. */
static const char *const file_classes[] = {
	[1] = "FileDirectoryInformation", [2] = "FileFullDirectoryInformation",
	[3] = "FileBothDirectoryInformation", [4] = "FileBasicInformation",
	[5] = "FileStandardInformation", [6] = "FileInternalInformation",
	[7] = "FileEaInformation", [8] = "FileAccessInformation",
	[9] = "FileNameInformation", [10] = "FileRenameInformation",
	[11] = "FileLinkInformation", [12] = "FileNamesInformation",
	[13] = "FileDispositionInformation", [14] = "FilePositionInformation",
	[15] = "FileFullEaInformation", [16] = "FileModeInformation",
	[17] = "FileAlignmentInformation", [18] = "FileAllInformation",
	[19] = "FileAllocationInformation", [20] = "FileEndOfFileInformation",
	[21] = "FileAlternateNameInformation", [22] = "FileStreamInformation",
	[23] = "FilePipeInformation", [24] = "FilePipeLocalInformation",
	[25] = "FilePipeRemoteInformation", [26] = "FileMailslotQueryInformation",
	[27] = "FileMailslotSetInformation", [28] = "FileCompressionInformation",
	[29] = "FileObjectIdInformation", [31] = "FileMoveClusterInformation",
	[32] = "FileQuotaInformation", [33] = "FileReparsePointInformation",
	[34] = "FileNetworkOpenInformation", [35] = "FileAttributeTagInformation",
	[36] = "FileTrackingInformation", [37] = "FileIdBothDirectoryInformation",
	[38] = "FileIdFullDirectoryInformation", [39] = "FileValidDataLengthInformation",
	[40] = "FileShortNameInformation", [44] = "FileSfioReserveInformation",
	[45] = "FileSfioVolumeInformation", [46] = "FileHardLinkInformation",
	[48] = "FileNormalizedNameInformation", [50] = "FileIdGlobalTxDirectoryInformation",
	[54] = "FileStandardLinkInformation", [59] = "FileIdInformation",
	[60] = "FileIdExtdDirectoryInformation", [64] = "FileDispositionInformationEx",
	[65] = "FileRenameInformationEx", [68] = "FileStatInformation",
	[70] = "FileStatLxInformation",
};

/* MS-FSCC 2.5 file system information classes. */
static const char *const fs_classes[] = {
	[1] = "FileFsVolumeInformation", [2] = "FileFsLabelInformation",
	[3] = "FileFsSizeInformation", [4] = "FileFsDeviceInformation",
	[5] = "FileFsAttributeInformation", [6] = "FileFsControlInformation",
	[7] = "FileFsFullSizeInformation", [8] = "FileFsObjectIdInformation",
	[9] = "FileFsDriverPathInformation", [10] = "FileFsVolumeFlagsInformation",
	[11] = "FileFsSectorSizeInformation",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* SMB1 levels with an MS-FSCC class (MS-CIFS 2.2.2.3, MS-SMB 2.2.2.3). */
struct level_map {
	uint16_t level;
	uint8_t type, cls;
};

static const struct level_map query_levels[] = { /* QUERY_PATH/FILE_INFORMATION */
	{ 0x101, INFO_FILE, 4 }, { 0x102, INFO_FILE, 5 }, { 0x103, INFO_FILE, 7 },
	{ 0x104, INFO_FILE, 9 }, { 0x107, INFO_FILE, 18 }, { 0x108, INFO_FILE, 21 },
	{ 0x109, INFO_FILE, 22 }, { 0x10b, INFO_FILE, 28 },
};
static const struct level_map set_levels[] = { /* SET_PATH/FILE_INFORMATION */
	{ 0x101, INFO_FILE, 4 }, { 0x102, INFO_FILE, 13 }, { 0x103, INFO_FILE, 19 },
	{ 0x104, INFO_FILE, 20 },
};
static const struct level_map fs_levels[] = { /* QUERY/SET_FS_INFORMATION */
	{ 0x102, INFO_FS, 1 }, { 0x103, INFO_FS, 3 }, { 0x104, INFO_FS, 4 },
	{ 0x105, INFO_FS, 5 },
};
static const struct level_map find_levels[] = { /* FIND_FIRST2 / FIND_NEXT2 */
	{ 0x101, INFO_FILE, 1 }, { 0x102, INFO_FILE, 2 }, { 0x103, INFO_FILE, 12 },
	{ 0x104, INFO_FILE, 3 }, { 0x105, INFO_FILE, 38 }, { 0x106, INFO_FILE, 37 },
};

static uint32_t map_level(const struct level_map *m, size_t n, uint32_t level,
			  uint32_t type)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].level == level)
			return INFO(m[i].type, m[i].cls);
	if (level >= 1000 && level < 1000 + 0x100) /* pass-through: 1000 + class */
		return INFO(type, level - 1000);
	return INFO(INFO_SMB1 + type, level);
}

uint32_t act_smb1_level(uint32_t sub, uint32_t level)
{
	switch (sub) {
	case 0x01: case 0x02: /* FIND_FIRST2, FIND_NEXT2 */
		return map_level(find_levels, COUNT(find_levels), level, INFO_FILE);
	case 0x03: case 0x04: /* QUERY/SET_FS_INFORMATION */
		return map_level(fs_levels, COUNT(fs_levels), level, INFO_FS);
	case 0x05: case 0x07: /* QUERY_PATH/FILE_INFORMATION */
		return map_level(query_levels, COUNT(query_levels), level, INFO_FILE);
	case 0x06: case 0x08: /* SET_PATH/FILE_INFORMATION */
		return map_level(set_levels, COUNT(set_levels), level, INFO_FILE);
	default:
		return INFO(INFO_SMB1, level);
	}
}

const char *act_info_name(uint32_t info, char *buf, size_t n)
{
	uint32_t type = info >> 16, cls = info & 0xffff;
	const char *name = NULL;
	if (type == INFO_FILE && cls < COUNT(file_classes))
		name = file_classes[cls];
	else if (type == INFO_FS && cls < COUNT(fs_classes))
		name = fs_classes[cls];
	else if (type == INFO_SEC)
		name = "security descriptor";
	else if (type == INFO_QUOTA)
		name = "quota";
	if (name) {
		snprintf(buf, n, "%s", name);
		return buf;
	}
	if (type > INFO_SMB1) {
		/* An SMB1 level of its own: by its name in the level tables. */
		int fid = type == INFO_SMB1 + INFO_FS ? F_SMB_QFSI_LOI : F_SMB_QPI_LOI;
		const char *v = val_lookup(field_vals(field_get(fid)), cls);
		if (v) {
			snprintf(buf, n, "SMB1 %s", v);
			return buf;
		}
		snprintf(buf, n, "SMB1 level 0x%03x", (unsigned)cls);
		return buf;
	}
	snprintf(buf, n, "class %u/%u", (unsigned)type, (unsigned)cls);
	return buf;
}

const char *act_fsctl_name(uint32_t code, char *buf, size_t n)
{
	const char *v = val_lookup(field_vals(field_get(F_SMB2_IOCTL_FUNCTION)), code);
	if (v)
		snprintf(buf, n, "%s", v);
	else
		snprintf(buf, n, "FSCTL 0x%08x", (unsigned)code);
	return buf;
}

const char *act_disp_name(uint32_t disp, char *buf, size_t n)
{
	static const char *const names[] = { "Supersede", "Open", "Create", "Open If",
					     "Overwrite", "Overwrite If" };
	if (disp < COUNT(names))
		snprintf(buf, n, "%s", names[disp]);
	else
		snprintf(buf, n, "disposition %u", (unsigned)disp);
	return buf;
}

/* MS-DTYP 2.4.3 ACCESS_MASK, MS-SMB2 2.2.13.1.1. */
#define A_READ_DATA 0x1u
#define A_WRITE_DATA 0x2u
#define A_APPEND_DATA 0x4u
#define A_DELETE 0x10000u
#define A_MAXIMUM_ALLOWED 0x02000000u
#define A_GENERIC_ALL 0x10000000u
#define A_GENERIC_WRITE 0x40000000u
#define A_GENERIC_READ 0x80000000u

unsigned act_access_class(uint32_t m)
{
	unsigned c = 0;
	if (m & (A_READ_DATA | A_GENERIC_READ | A_GENERIC_ALL | A_MAXIMUM_ALLOWED))
		c |= 1;
	if (m & (A_WRITE_DATA | A_APPEND_DATA | A_GENERIC_WRITE | A_GENERIC_ALL |
		 A_MAXIMUM_ALLOWED))
		c |= 2;
	if (m & (A_DELETE | A_GENERIC_ALL | A_MAXIMUM_ALLOWED))
		c |= 4;
	return c;
}

const char *act_access_words(uint32_t m, char *buf, size_t n)
{
	unsigned c = act_access_class(m);
	snprintf(buf, n, "%s%s%s%s%s%s (0x%08x)", c & 1 ? "Read" : "",
		 (c & 1) && (c & 6) ? "+" : "", c & 2 ? "Write" : "",
		 (c & 2) && (c & 4) ? "+" : "", c & 4 ? "Delete" : "",
		 c ? "" : "attributes only", (unsigned)m);
	return buf;
}

const char *act_status_name(uint32_t status, char *buf, size_t n)
{
	const char *v = val_lookup(field_vals(field_get(F_SMB2_NT_STATUS)), status);
	if (v)
		snprintf(buf, n, "%s", v);
	else
		snprintf(buf, n, "0x%08x", (unsigned)status);
	return buf;
}

bool act_ok(uint32_t status)
{
	return (status >> 30) != 3;
}
