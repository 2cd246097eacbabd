package sandbox

import (
	"fmt"
	"sort"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// A SCIM resource is evaluated as its JSON form (map[string]any) so that
// filters, sortBy and attributes work the same way for Users and Groups.
// Attribute names are case-insensitive (RFC 7644 §3.4.2.2), and so are
// string comparisons: every attribute the sandbox filters on has
// caseExact=false in its schema.

// parseFilter parses a SCIM filter with github.com/scim2/filter-parser.
func parseFilter(raw string) (filter.Expression, error) {
	expr, err := filter.ParseFilter([]byte(raw))
	if err != nil {
		return nil, fmt.Errorf("filter %q is not a valid SCIM filter: %v", raw, err)
	}
	if err := checkOperators(expr); err != nil {
		return nil, err
	}
	return expr, nil
}

// checkOperators rejects the operators the sandbox does not implement.
func checkOperators(e filter.Expression) error {
	switch e := e.(type) {
	case *filter.AttributeExpression:
		switch e.Operator {
		case filter.EQ, filter.NE, filter.CO, filter.SW, filter.EW, filter.PR, filter.GT, filter.GE, filter.LT, filter.LE:
			return nil
		}
		return fmt.Errorf("operator %q is not supported: use eq, ne, co, sw, ew, pr, gt, ge, lt or le", e.Operator)
	case *filter.LogicalExpression:
		if err := checkOperators(e.Left); err != nil {
			return err
		}
		return checkOperators(e.Right)
	case *filter.NotExpression:
		return checkOperators(e.Expression)
	case *filter.ValuePath:
		return checkOperators(e.ValueFilter)
	}
	return fmt.Errorf("unsupported filter expression %v", e)
}

// lookup finds key in m ignoring case.
func lookup(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// attrValues returns the values at path in res: for a multi-valued attribute
// one value per element (its sub-attribute, or "value" when none is named).
func attrValues(res map[string]any, p filter.AttributePath) []any {
	obj := res
	if uri := p.URI(); uri != "" && !strings.EqualFold(uri, schemaUser) && !strings.EqualFold(uri, schemaGroup) {
		ext, _ := lookup(res, uri) // a missing extension is nil: not a map
		var ok bool
		if obj, ok = ext.(map[string]any); !ok {
			return nil
		}
	}
	v, ok := lookup(obj, p.AttributeName)
	if !ok {
		return nil
	}
	sub := p.SubAttributeName()
	pick := func(x any) (any, bool) {
		m, isMap := x.(map[string]any)
		switch {
		case !isMap && sub == "":
			return x, true
		case !isMap:
			return nil, false
		case sub != "":
			return lookup(m, sub)
		default:
			return lookup(m, "value")
		}
	}
	if list, ok := v.([]any); ok {
		var out []any
		for _, el := range list {
			if x, ok := pick(el); ok {
				out = append(out, x)
			}
		}
		return out
	}
	if x, ok := pick(v); ok {
		return []any{x}
	}
	return nil
}

// matches evaluates e against one resource.
func matches(res map[string]any, e filter.Expression) bool {
	switch e := e.(type) {
	case *filter.LogicalExpression:
		if e.Operator == filter.AND {
			return matches(res, e.Left) && matches(res, e.Right)
		}
		return matches(res, e.Left) || matches(res, e.Right)
	case *filter.NotExpression:
		return !matches(res, e.Expression)
	case *filter.ValuePath:
		v, ok := lookup(res, e.AttributePath.AttributeName)
		if !ok {
			return false
		}
		list, _ := v.([]any)
		for _, el := range list {
			if m, ok := el.(map[string]any); ok && matches(m, e.ValueFilter) {
				return true
			}
		}
		return false
	case *filter.AttributeExpression:
		vals := attrValues(res, e.AttributePath)
		if e.Operator == filter.NE {
			for _, v := range vals {
				if compare(v, filter.EQ, e.CompareValue) {
					return false
				}
			}
			return true
		}
		for _, v := range vals {
			if compare(v, e.Operator, e.CompareValue) {
				return true
			}
		}
	}
	return false
}

// compare applies op to one attribute value and the filter's value.
func compare(v any, op filter.CompareOperator, want any) bool {
	if op == filter.PR {
		s, isString := v.(string)
		return v != nil && (!isString || s != "")
	}
	switch v := v.(type) {
	case bool:
		w, ok := want.(bool)
		return ok && op == filter.EQ && v == w
	case string:
		w, ok := want.(string)
		if !ok {
			return false
		}
		a, b := strings.ToLower(v), strings.ToLower(w)
		switch op {
		case filter.EQ:
			return a == b
		case filter.CO:
			return strings.Contains(a, b)
		case filter.SW:
			return strings.HasPrefix(a, b)
		case filter.EW:
			return strings.HasSuffix(a, b)
		case filter.GT:
			return a > b
		case filter.GE:
			return a >= b
		case filter.LT:
			return a < b
		case filter.LE:
			return a <= b
		}
	}
	return false
}

// sortKey is the first value at path as a lower-cased string ("" when absent).
func sortKey(res map[string]any, p filter.AttributePath) string {
	vals := attrValues(res, p)
	if len(vals) == 0 {
		return ""
	}
	return strings.ToLower(fmt.Sprint(vals[0]))
}

// sortResources orders resources by sortBy; missing values sort last, as
// RFC 7644 §3.4.2.3 says for ascending order.
func sortResources(res []map[string]any, sortBy string, descending bool) error {
	p, err := filter.ParseAttrPath([]byte(sortBy))
	if err != nil {
		return fmt.Errorf("sortBy %q is not an attribute path: %v", sortBy, err)
	}
	keys := make([]string, len(res))
	for i, r := range res {
		keys[i] = sortKey(r, p)
	}
	idx := make([]int, len(res))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ka, kb := keys[idx[a]], keys[idx[b]]
		if ka == "" || kb == "" {
			return ka != "" && kb == ""
		}
		if descending {
			return ka > kb
		}
		return ka < kb
	})
	sorted := make([]map[string]any, len(res))
	for i, j := range idx {
		sorted[i] = res[j]
	}
	copy(res, sorted)
	return nil
}

// project keeps only the requested attributes (plus those SCIM always
// returns: schemas, id, meta), or drops the excluded ones.
func project(res map[string]any, attributes, excluded []string) map[string]any {
	always := map[string]bool{"schemas": true, "id": true, "meta": true}
	if len(attributes) > 0 {
		out := map[string]any{}
		for k, v := range res {
			if always[k] {
				out[k] = v
			}
		}
		for _, a := range attributes {
			copyAttr(res, out, a)
		}
		return out
	}
	for _, a := range excluded {
		top, sub, _ := strings.Cut(a, ".")
		for k, v := range res {
			if !strings.EqualFold(k, top) || always[k] {
				continue
			}
			if m, ok := v.(map[string]any); ok && sub != "" {
				for sk := range m {
					if strings.EqualFold(sk, sub) {
						delete(m, sk)
					}
				}
			} else if sub == "" {
				delete(res, k)
			}
		}
	}
	return res
}

// copyAttr copies attribute path a ("name", "name.givenName", or an
// extension URN followed by ":attr") from src to dst.
func copyAttr(src, dst map[string]any, a string) {
	for k, v := range src {
		if strings.HasPrefix(strings.ToLower(a), strings.ToLower(k)+":") {
			if m, ok := v.(map[string]any); ok {
				inner, _ := dst[k].(map[string]any)
				if inner == nil {
					inner = map[string]any{}
					dst[k] = inner
				}
				copyAttr(m, inner, a[len(k)+1:])
			}
			return
		}
	}
	top, sub, hasSub := strings.Cut(a, ".")
	for k, v := range src {
		if !strings.EqualFold(k, top) {
			continue
		}
		m, isMap := v.(map[string]any)
		if !hasSub || !isMap {
			dst[k] = v
			return
		}
		inner, _ := dst[k].(map[string]any)
		if inner == nil {
			inner = map[string]any{}
			dst[k] = inner
		}
		for sk, sv := range m {
			if strings.EqualFold(sk, sub) {
				inner[sk] = sv
			}
		}
	}
}
