/* model.h — moved to codec/model.h (the resources described once, for the codec's validation
 * and the store's statements). Transitional: include "codec/model.h" in new code. */
#include "codec/model.h"
