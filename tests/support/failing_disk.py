"""A real disk that starts failing with EIO: ext4 on a loop device whose size is cut.

No device-mapper (no ``dm-error`` target) and no kernel fault injection on these
machines, but the loop driver is there: the image is attached with a size limit, and
``LOOP_SET_STATUS64`` lowers that limit on the live device.  Every block past the new
end then fails in the block layer ("attempt to access beyond end of device") and the
filesystem hands the application a real ``EIO`` — from ``fsync``, from ``write`` to a
block it must allocate, from ``read`` of a block not in the page cache.  The limit is
put just past the filesystem's own metadata (superblock, bitmaps, inode table), so the
filesystem can still allocate and the failure lands on the data, as a dying disk's
would.  Raising the limit again, unmounting and mounting anew is the PC restarted with
the disk working: what is on the image then is what reached the disk.

Root only (losetup, mount); the tests skip elsewhere.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

LOOP_SET_STATUS64 = 0x4C04
LOOP_GET_STATUS64 = 0x4C05
LOOP_INFO64_SIZE = 232  # struct loop_info64 (linux/loop.h)
SIZELIMIT_OFFSET = 32  # lo_device, lo_inode, lo_rdevice, lo_offset: four u64 before it
BLOCK = 4096
IMAGE_BYTES = 64 * 1024 * 1024


def missing() -> str | None:
    """Why a failing disk cannot be made here, or None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root (losetup, mount)"
    for tool in ("losetup", "mkfs.ext4", "mount", "umount", "dumpe2fs"):
        if shutil.which(tool) is None:
            return f"needs {tool}"
    if not Path("/dev/loop-control").exists():
        return "no loop devices"
    return None


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


class FailingDisk:
    """An ext4 filesystem at ``mount`` that :meth:`fail` makes return EIO."""

    def __init__(self, folder: Path) -> None:
        self.image = folder / "disk.img"
        self.mount = folder / "mnt"
        self.mount.mkdir()
        with self.image.open("wb") as handle:
            handle.truncate(IMAGE_BYTES)
        # No journal: the journal would abort on the first failed write and turn the
        # filesystem read-only, so the test would see EROFS, not the EIO it is about.
        _run(
            "mkfs.ext4", "-q", "-F", "-b", str(BLOCK), "-N", "256",
            "-O", "^has_journal,^resize_inode", str(self.image),
        )  # fmt: skip
        self.metadata_end = self._metadata_end()
        self.device = _run(
            "losetup", "--find", "--show", "--sizelimit", str(IMAGE_BYTES), str(self.image)
        ).strip()
        self._mount()

    def _metadata_end(self) -> int:
        """The byte just past the last inode-table block (all metadata is before it)."""
        listing = _run("dumpe2fs", str(self.image))
        ends = [int(end) for end in re.findall(r"Inode table at \d+-(\d+)", listing)]
        return (max(ends) + 1) * BLOCK

    def _mount(self) -> None:
        _run("mount", "-o", "errors=continue", self.device, str(self.mount))

    def _set_limit(self, limit: int) -> None:
        fd = os.open(self.device, os.O_RDONLY)
        try:
            info = bytearray(LOOP_INFO64_SIZE)
            fcntl.ioctl(fd, LOOP_GET_STATUS64, info)
            struct.pack_into("Q", info, SIZELIMIT_OFFSET, limit)
            fcntl.ioctl(fd, LOOP_SET_STATUS64, bytes(info))
        finally:
            os.close(fd)

    def fail(self) -> None:
        """From now on every block past the metadata fails: reads, writes, flushes."""
        os.sync()
        self._set_limit(self.metadata_end)

    def heal_and_remount(self) -> None:
        """The PC restarted with the disk working: only what reached the disk is there."""
        # Unmounting flushes what the page cache still holds, and that fails too:
        # those writes never reached the disk, as after a power cut.
        done = subprocess.run(
            ["umount", str(self.mount)], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:  # a file still open on it: the test's own bug
            raise RuntimeError(f"cannot unmount {self.mount}: {done.stderr.strip()}")
        self._set_limit(IMAGE_BYTES)
        subprocess.run(["e2fsck", "-fy", self.device], capture_output=True, check=False)
        self._mount()

    def close(self) -> None:
        subprocess.run(["umount", str(self.mount)], capture_output=True, check=False)
        subprocess.run(["losetup", "-d", self.device], capture_output=True, check=False)
