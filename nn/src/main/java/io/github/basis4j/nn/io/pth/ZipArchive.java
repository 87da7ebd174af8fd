package io.github.basis4j.nn.io.pth;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The stored entries of a zip archive held in one buffer, as {@code torch.save} writes it (miniz, every entry
 * uncompressed, data aligned to 64 bytes by padding in the local headers, a zip64 end record).
 *
 * <p>Only what such a file needs is read: the end-of-central-directory record (zip64 when present), the central
 * directory and each entry's local header, which fixes where its data begins. Every offset and size is checked
 * against the buffer before use and the entry count against the directory's size, so a crafted directory cannot
 * make the reader allocate more than the file holds. Compressed, encrypted and multi-disk archives are refused:
 * torch.save never writes them, and inflating would let a small file expand without bound.
 */
final class ZipArchive {
    private static final int LOCAL_SIG = 0x04034b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int EOCD_SIZE = 22;
    private static final int ZIP64_LOCATOR_SIZE = 20;
    private static final int ZIP64_EOCD_SIZE = 56;
    private static final int CENTRAL_SIZE = 46;
    private static final int LOCAL_SIZE = 30;
    /** The longest archive comment the format allows, which bounds the search for the end record. */
    private static final int MAX_COMMENT = 0xFFFF;
    private static final int ZIP64_EXTRA_ID = 0x0001;
    private static final long U32_SATURATED = 0xFFFFFFFFL;
    private static final int U16_SATURATED = 0xFFFF;

    /**
     * One stored entry.
     *
     * @param name   its path inside the archive
     * @param offset where its data begins in the buffer
     * @param size   its length in bytes
     * @param crc    the CRC-32 the directory records for it
     */
    record Entry(String name, int offset, int size, int crc) {
    }

    private final ByteBuffer file;
    private final Map<String, Entry> entries;

    private ZipArchive(ByteBuffer file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** Parses the directory of {@code file} (its position is ignored, its limit is the archive's end). */
    static ZipArchive open(ByteBuffer file) {
        ByteBuffer b = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position(0);
        int len = b.limit();
        int eocd = findEndRecord(b, len);
        if (eocd < 0) {
            throw new PthException("zip archive has no end-of-central-directory record: the file is truncated or not a zip archive");
        }
        long count, cdSize, cdOffset;
        int cdLimit;
        if (eocd >= ZIP64_LOCATOR_SIZE && b.getInt(eocd - ZIP64_LOCATOR_SIZE) == ZIP64_LOCATOR_SIG) {
            int loc = eocd - ZIP64_LOCATOR_SIZE;
            long z = b.getLong(loc + 8);
            if (b.getInt(loc + 4) != 0 || b.getInt(loc + 16) != 1) throw new PthException("multi-disk zip archives are not supported");
            if (z < 0 || z > loc - ZIP64_EOCD_SIZE || b.getInt((int) z) != ZIP64_EOCD_SIG) {
                throw new PthException("zip64 end record offset " + z + " does not point at a zip64 end record");
            }
            int zi = (int) z;
            if (b.getInt(zi + 16) != 0 || b.getInt(zi + 20) != 0) throw new PthException("multi-disk zip archives are not supported");
            count = b.getLong(zi + 32);
            cdSize = b.getLong(zi + 40);
            cdOffset = b.getLong(zi + 48);
            cdLimit = zi;
        } else {
            if (u16(b, eocd + 4) != 0 || u16(b, eocd + 6) != 0) throw new PthException("multi-disk zip archives are not supported");
            count = u16(b, eocd + 10);
            cdSize = u32(b, eocd + 12);
            cdOffset = u32(b, eocd + 16);
            cdLimit = eocd;
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > cdLimit || cdSize > cdLimit - cdOffset) {
            throw new PthException("zip central directory [" + cdOffset + ", +" + cdSize + ") lies outside the " + len + "-byte file");
        }
        if (count < 0 || count > cdSize / CENTRAL_SIZE) {
            throw new PthException("zip central directory of " + cdSize + " bytes cannot hold the " + count + " entries it declares");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        int p = (int) cdOffset, end = (int) (cdOffset + cdSize);
        for (long i = 0; i < count; i++) {
            Entry e = centralEntry(b, p, end, (int) cdOffset);
            if (entries.put(e.name(), e) != null) throw new PthException("zip archive holds the entry '" + e.name() + "' twice");
            p += CENTRAL_SIZE + u16(b, p + 28) + u16(b, p + 30) + u16(b, p + 32);
        }
        return new ZipArchive(b, Collections.unmodifiableMap(entries));
    }

    /** The last end record whose comment runs exactly to the end of the file, or -1. */
    private static int findEndRecord(ByteBuffer b, int len) {
        for (int p = len - EOCD_SIZE; p >= 0 && p >= len - EOCD_SIZE - MAX_COMMENT; p--) {
            if (b.getInt(p) == EOCD_SIG && p + EOCD_SIZE + u16(b, p + 20) == len) return p;
        }
        return -1;
    }

    private static Entry centralEntry(ByteBuffer b, int p, int end, int cdOffset) {
        if (p > end - CENTRAL_SIZE || b.getInt(p) != CENTRAL_SIG) {
            throw new PthException("zip central directory is corrupt at byte " + p + " (no entry header where one should be)");
        }
        int flags = u16(b, p + 8), method = u16(b, p + 10), crc = b.getInt(p + 16);
        long compressed = u32(b, p + 20), size = u32(b, p + 24), local = u32(b, p + 42);
        int nameLen = u16(b, p + 28), extraLen = u16(b, p + 30), commentLen = u16(b, p + 32);
        if ((long) p + CENTRAL_SIZE + nameLen + extraLen + commentLen > end) {
            throw new PthException("zip central directory entry at byte " + p + " runs past the directory's end");
        }
        byte[] nameBytes = new byte[nameLen];
        b.get(p + CENTRAL_SIZE, nameBytes);
        String name = utf8(nameBytes, p);
        // Zip64 sizes and offsets replace, in this order, those fields of the header that are saturated.
        int x = p + CENTRAL_SIZE + nameLen, xEnd = x + extraLen;
        while (x + 4 <= xEnd) {
            int id = u16(b, x), n = u16(b, x + 2);
            if (x + 4 + n > xEnd) throw new PthException("zip entry '" + name + "' has a malformed extra field");
            if (id == ZIP64_EXTRA_ID) {
                int q = x + 4, qEnd = q + n;
                if (size == U32_SATURATED) {
                    size = zip64Field(b, q, qEnd, name);
                    q += 8;
                }
                if (compressed == U32_SATURATED) {
                    compressed = zip64Field(b, q, qEnd, name);
                    q += 8;
                }
                if (local == U32_SATURATED) local = zip64Field(b, q, qEnd, name);
            }
            x += 4 + n;
        }
        if ((flags & 1) != 0) throw new PthException("zip entry '" + name + "' is encrypted");
        if (method != 0) {
            throw new PthException("zip entry '" + name + "' is compressed (method " + method + "); torch.save stores entries uncompressed, "
                    + "so re-save the file with torch.save instead of re-zipping it");
        }
        if (compressed != size) throw new PthException("zip entry '" + name + "' is stored but its sizes differ (" + compressed + " vs " + size + ")");
        if (local < 0 || local > cdOffset - LOCAL_SIZE || b.getInt((int) local) != LOCAL_SIG) {
            throw new PthException("zip entry '" + name + "' points at byte " + local + ", where there is no local header");
        }
        int l = (int) local;
        long data = l + LOCAL_SIZE + (long) u16(b, l + 26) + u16(b, l + 28);
        if (size > Integer.MAX_VALUE || data + size > cdOffset) {
            throw new PthException("zip entry '" + name + "' of " + size + " bytes at byte " + data + " runs past the data area ("
                    + cdOffset + " bytes): the file is truncated or corrupt");
        }
        if (u16(b, l + 26) != nameLen || !b.slice(l + LOCAL_SIZE, nameLen).equals(ByteBuffer.wrap(nameBytes))) {
            throw new PthException("zip entry '" + name + "': its local header names another file");
        }
        return new Entry(name, (int) data, (int) size, crc);
    }

    private static long zip64Field(ByteBuffer b, int q, int qEnd, String name) {
        if (q + 8 > qEnd) throw new PthException("zip entry '" + name + "' lacks a zip64 size or offset it needs");
        long v = b.getLong(q);
        if (v < 0) throw new PthException("zip entry '" + name + "' has a zip64 size or offset beyond 2^63");
        return v;
    }

    private static String utf8(byte[] bytes, int at) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PthException("zip central directory entry at byte " + at + " has a name that is not UTF-8", e);
        }
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & U16_SATURATED;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & U32_SATURATED;
    }

    /** Entries by name, in directory order. */
    Map<String, Entry> entries() {
        return entries;
    }

    /** The bytes of {@code e}, a read-only view with position 0 (byte order big-endian, as any new buffer). */
    ByteBuffer data(Entry e) {
        return file.slice(e.offset(), e.size()).asReadOnlyBuffer().order(ByteOrder.BIG_ENDIAN);
    }

    /** Whether the data of {@code e} still has the CRC-32 the directory recorded. */
    boolean crcMatches(Entry e) {
        CRC32 crc = new CRC32();
        crc.update(file.slice(e.offset(), e.size()));
        return (int) crc.getValue() == e.crc();
    }
}
