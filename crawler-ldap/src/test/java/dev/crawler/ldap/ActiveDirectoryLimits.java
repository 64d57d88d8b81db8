package dev.crawler.ldap;

import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchEntry;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ReadOnlySearchRequest;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Active Directory's limits put in front of UnboundID's in-memory server, which enforces neither:
 * MaxValRange (at most {@value #MAX_VAL_RANGE} values of a multi-valued attribute in one read, the
 * rest by range retrieval, {@code attr;range=low-high}) on one attribute, and MaxPageSize (at most
 * {@value #MAX_PAGE_SIZE} entries a page; pair it with {@code setMaxSizeLimit(MAX_PAGE_SIZE)} for
 * searches without paging). As MS-ADTS 3.1.1.3.1.3.3 describes range retrieval:
 *
 * <ul>
 *   <li>an attribute of more than MaxValRange values, asked for without a range, comes back as
 *       {@code attr;range=0-1499};
 *   <li>{@code attr;range=low-high} (high a number or {@code *}) returns from value {@code low} at
 *       most MaxValRange values, named {@code attr;range=low-end}, where end is {@code *} when the
 *       last value is among them.
 * </ul>
 *
 * Thread-safe: the range asked for travels with each request as a property.
 */
final class ActiveDirectoryLimits extends InMemoryOperationInterceptor {
  static final int MAX_VAL_RANGE = 1_500;
  static final int MAX_PAGE_SIZE = 1_000;
  private static final String RANGE = ActiveDirectoryLimits.class.getName() + ".range";

  private final String attribute;

  /** Whether ranged reads are answered at all: off, the server "forgets" ranges past the first. */
  private final boolean honourRanges;

  ActiveDirectoryLimits(String attribute, boolean honourRanges) {
    this.attribute = attribute;
    this.honourRanges = honourRanges;
  }

  @Override
  public void processSearchRequest(InMemoryInterceptedSearchRequest request) throws LDAPException {
    ReadOnlySearchRequest asked = request.getRequest();
    List<String> attributes = new ArrayList<>();
    boolean rewritten = false;
    for (String a : asked.getAttributeList()) {
      String range = rangeOption(a);
      if (range != null && Attribute.getBaseName(a).equalsIgnoreCase(attribute)) {
        request.setProperty(RANGE, parse(range));
        attributes.add(
            honourRanges ? attribute : a); // unanswered: the base server knows no such option
        rewritten = true;
      } else {
        attributes.add(a);
      }
    }
    SearchRequest changed = asked.duplicate();
    if (rewritten) {
      changed.setAttributes(attributes);
    }
    SimplePagedResultsControl paged =
        (SimplePagedResultsControl) asked.getControl(SimplePagedResultsControl.PAGED_RESULTS_OID);
    if (paged == null && asked.hasControl(SimplePagedResultsControl.PAGED_RESULTS_OID)) {
      throw new LDAPException(ResultCode.PROTOCOL_ERROR, "undecodable paged results control");
    }
    if (paged != null && paged.getSize() > MAX_PAGE_SIZE) {
      List<Control> controls = new ArrayList<>();
      for (Control c : asked.getControls()) {
        controls.add(
            c.getOID().equals(SimplePagedResultsControl.PAGED_RESULTS_OID)
                ? new SimplePagedResultsControl(
                    MAX_PAGE_SIZE, paged.getCookie(), paged.isCritical())
                : c);
      }
      changed.setControls(controls);
      rewritten = true;
    }
    if (rewritten) {
      request.setRequest(changed);
    }
  }

  @Override
  public void processSearchEntry(InMemoryInterceptedSearchEntry result) {
    Entry entry = result.getSearchEntry();
    Attribute all = entry.getAttribute(attribute);
    int[] range = (int[]) result.getProperty(RANGE);
    if (all == null || (range == null && all.size() <= MAX_VAL_RANGE)) {
      return;
    }
    String[] values = all.getValues();
    int low = range == null ? 0 : range[0];
    long wanted = range == null || range[1] < 0 ? Long.MAX_VALUE : range[1];
    int end = (int) Math.min(Math.min(values.length - 1L, wanted), low + (long) MAX_VAL_RANGE - 1);
    boolean last = end == values.length - 1;
    String[] shown = low > end ? new String[0] : Arrays.copyOfRange(values, low, end + 1);
    Entry answer = entry.duplicate();
    answer.removeAttribute(attribute);
    answer.addAttribute(
        new Attribute(
            attribute + ";range=" + low + "-" + (last ? "*" : String.valueOf(end)), shown));
    result.setSearchEntry(answer);
  }

  private static String rangeOption(String attributeDescription) {
    for (String option : Attribute.getOptions(attributeDescription)) {
      if (option.toLowerCase(Locale.ROOT).startsWith("range=")) {
        return option.substring("range=".length());
      }
    }
    return null;
  }

  /** {low, high}, high -1 for {@code *}. */
  private static int[] parse(String range) throws LDAPException {
    int dash = range.indexOf('-');
    try {
      String high = range.substring(dash + 1);
      return new int[] {
        Integer.parseInt(range.substring(0, dash)), high.equals("*") ? -1 : Integer.parseInt(high)
      };
    } catch (RuntimeException e) {
      throw new LDAPException(ResultCode.PROTOCOL_ERROR, "bad range " + range);
    }
  }
}
