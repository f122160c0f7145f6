/* validate.h — moved to codec/validate.h (a pure codec: bodies against the resource model).
 * Transitional: include "codec/validate.h" in new code. */
#include "codec/validate.h"
