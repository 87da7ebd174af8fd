package io.github.basis4j.nn.io.pth;

import java.util.Locale;

/** Names of the pickle opcodes (protocols 0 to 5, as pickletools calls them), for messages that refuse one. */
final class Opcodes {
    /** The opcodes {@link Unpickler} interprets. */
    static final String ALLOWED = "PROTO, STOP, MARK, NONE, NEWTRUE, NEWFALSE, BININT, BININT1, BININT2, LONG1, BINFLOAT, BINUNICODE, "
            + "SHORT_BINUNICODE, EMPTY_TUPLE, TUPLE, TUPLE1, TUPLE2, TUPLE3, EMPTY_LIST, APPEND, APPENDS, EMPTY_DICT, SETITEM, SETITEMS, "
            + "BINPUT, LONG_BINPUT, BINGET, LONG_BINGET, GLOBAL (a fixed list), REDUCE (of those globals), BINPERSID (storages), "
            + "BUILD (a state dict's _metadata)";

    private static final String[] NAMES = new String[256];

    static {
        String table = "(MARK .STOP 0POP 1POP_MARK 2DUP FFLOAT IINT JBININT KBININT1 LLONG MBININT2 NNONE PPERSID QBINPERSID RREDUCE "
                + "SSTRING TBINSTRING USHORT_BINSTRING VUNICODE XBINUNICODE aAPPEND bBUILD cGLOBAL dDICT }EMPTY_DICT eAPPENDS gGET "
                + "hBINGET iINST jLONG_BINGET lLIST ]EMPTY_LIST oOBJ pPUT qBINPUT rLONG_BINPUT sSETITEM tTUPLE )EMPTY_TUPLE uSETITEMS "
                + "GBINFLOAT BBINBYTES CSHORT_BINBYTES";
        for (String e : table.split(" ")) NAMES[e.charAt(0)] = e.substring(1);
        String[] high = {"PROTO", "NEWOBJ", "EXT1", "EXT2", "EXT4", "TUPLE1", "TUPLE2", "TUPLE3", "NEWTRUE", "NEWFALSE", "LONG1", "LONG4",
                "SHORT_BINUNICODE", "BINUNICODE8", "BINBYTES8", "EMPTY_SET", "ADDITEMS", "FROZENSET", "NEWOBJ_EX", "STACK_GLOBAL",
                "MEMOIZE", "FRAME", "BYTEARRAY8", "NEXT_BUFFER", "READONLY_BUFFER"};
        for (int i = 0; i < high.length; i++) NAMES[0x80 + i] = high[i];
    }

    private Opcodes() {
    }

    /** {@code "INST ('i', 0x69)"}, or {@code "0xff (not a pickle opcode)"}. */
    static String describe(int op) {
        String hex = String.format(Locale.ROOT, "0x%02x", op);
        if (NAMES[op] == null) return hex + " (not a pickle opcode)";
        return NAMES[op] + (op >= 0x20 && op < 0x7f ? " ('" + (char) op + "', " + hex + ")" : " (" + hex + ")");
    }
}
