/* The Linux UAPI headers in r0cc's sysroot (linux-libc-dev's, as musl-gcc users have them):
 * the three that busybox's defconfig needed first, and one each of asm-generic/ and mtd/. */
#include <asm/types.h>
#include <asm-generic/errno-base.h>
#include <linux/capability.h>
#include <linux/kd.h>
#include <mtd/mtd-user.h>
#include <stdio.h>

int main(void)
{
	__u32 version = _LINUX_CAPABILITY_VERSION_3;
	printf("KDGKBTYPE=%#x cap=%#x EINVAL=%d MTD_NANDFLASH=%d\n", KDGKBTYPE, (unsigned)version,
	       EINVAL, MTD_NANDFLASH);
	return 0;
}
